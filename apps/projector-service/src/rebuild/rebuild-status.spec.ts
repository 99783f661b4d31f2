import type { Rebuilder, RebuildProgress } from '@ordersource/read-models';
import { rebuildStatusOf } from './rebuild-status';

describe('rebuildStatusOf', () => {
  const running: RebuildProgress = { rebuildId: 'r-1', view: 'payments', status: 'running', processed: 500, total: 2000, eventsPerSecond: 250, etaSeconds: 6, differences: 2, differingIds: ['a', 'b'] };
  const rebuilder = { active: (view: string) => (view === 'payments' ? running : undefined) } as unknown as Rebuilder;

  it('shows a view rebuilding here as `rebuilding`, with its progress for GET /projections', () => {
    expect(rebuildStatusOf(rebuilder)('payments')).toEqual({
      status: 'rebuilding',
      rebuild: { rebuildId: 'r-1', status: 'running', processed: 500, total: 2000, eventsPerSecond: 250, etaSeconds: 6 },
    });
  });

  it('adds nothing for a view no rebuild runs for', () => {
    expect(rebuildStatusOf(rebuilder)('audit')).toBeUndefined();
  });
});
