/**
 * Which generation of each view is active, in the `view_pointers` collection: one document
 * per view, so a swap is a single-document update that readers see entirely or not at all.
 * Readers resolve the pointer per query; the previous generation stays until dropped, so a
 * reader that resolved it just before a swap still reads a whole, consistent view.
 */
import type { Collection, Db } from 'mongodb';
import { ViewGenerationError } from '../errors';
import type { ViewGenerations } from '../read-store.port';

interface PointerDocument {
  _id: string;
  active: number;
  previous: number | null;
  /** Highest generation number handed out. */
  last: number;
  all: number[];
}

export class MongoViewPointers {
  private readonly pointers: Collection<PointerDocument>;

  constructor(db: Db) {
    this.pointers = db.collection<PointerDocument>('view_pointers');
  }

  async ensure(view: string): Promise<ViewGenerations> {
    await this.pointers.updateOne({ _id: view }, { $setOnInsert: { active: 1, previous: null, last: 1, all: [1] } }, { upsert: true });
    return this.read(view);
  }

  async read(view: string): Promise<ViewGenerations> {
    const pointer = await this.pointers.findOne({ _id: view });
    if (!pointer) return { active: 1, previous: null, all: [1] };
    return { active: pointer.active, previous: pointer.previous, all: [...pointer.all].sort((a, b) => a - b) };
  }

  async allocate(view: string): Promise<number> {
    const pointer = await this.pointers.findOneAndUpdate({ _id: view }, { $inc: { last: 1 } }, { returnDocument: 'after' });
    if (!pointer) throw new ViewGenerationError(`no pointer for view ${view}`);
    await this.pointers.updateOne({ _id: view }, { $addToSet: { all: pointer.last } });
    return pointer.last;
  }

  async swap(view: string, generation: number): Promise<ViewGenerations> {
    const swapped = await this.pointers.findOneAndUpdate(
      { _id: view, all: generation, active: { $ne: generation } },
      [{ $set: { previous: '$active', active: generation } }],
      { returnDocument: 'after' },
    );
    if (!swapped) throw new ViewGenerationError(`${view}: generation ${generation} does not exist or is already active`);
    return this.read(view);
  }

  async rollback(view: string): Promise<ViewGenerations> {
    const rolledBack = await this.pointers.findOneAndUpdate({ _id: view, previous: { $ne: null } }, [{ $set: { previous: '$active', active: '$previous' } }], {
      returnDocument: 'after',
    });
    if (!rolledBack) throw new ViewGenerationError(`${view} has no previous generation to roll back to`);
    return this.read(view);
  }

  /** Forgets a generation that is not active (its collections are dropped by the caller after). */
  async release(view: string, generation: number): Promise<void> {
    const released = await this.pointers.findOneAndUpdate(
      { _id: view, active: { $ne: generation } },
      [{ $set: { all: { $filter: { input: '$all', cond: { $ne: ['$$this', generation] } } }, previous: { $cond: [{ $eq: ['$previous', generation] }, null, '$previous'] } } }],
    );
    if (!released) throw new ViewGenerationError(`${view} generation ${generation} is active`);
  }
}
