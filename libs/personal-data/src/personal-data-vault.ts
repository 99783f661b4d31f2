import type { OrderEventType } from '@ordersource/domain';
import { type DataKey, ERASED, type Erased, isSealedValue, openValue, sealValue, type SealedValue } from './envelope';
import type { Erasure, KeyVault } from './key-vault.port';
import { type EventData, type PersonalField, personalFieldsOf } from './personal-fields';

/** Event data as stored: every personal field present is a sealed envelope. */
export type SealedEventData<T extends OrderEventType> = {
  [K in keyof EventData<T>]: K extends PersonalField<T> ? SealedValue : EventData<T>[K];
};

/** Event data as shown: personal fields are back, or "[erased]" once the key is gone. */
export type OpenedEventData<T extends OrderEventType> = {
  [K in keyof EventData<T>]: K extends PersonalField<T> ? EventData<T>[K] | Erased : EventData<T>[K];
};

export interface PersonalDataVault {
  /** Seals the personal fields of one event's data under the customer's key, before appending. */
  sealEventData<T extends OrderEventType>(customerId: string, eventType: T, data: EventData<T>): Promise<SealedEventData<T>>;
  /**
   * Seals the events of one order with one key lookup (the import writes whole histories at
   * once); the input events are never changed (one with nothing to seal is returned as it is).
   */
  sealEvents<E extends { readonly type: string; readonly data: object }>(customerId: string, events: readonly E[]): Promise<E[]>;
  /** sealEvents for many orders (an import's batch) with one key lookup for all their customers. */
  sealHistories<E extends { readonly type: string; readonly data: object }>(histories: readonly { customerId: string; events: readonly E[] }[]): Promise<E[][]>;
  /**
   * Opens the sealed personal fields of one event's data. Read models that keep an envelope
   * open it the same way: `openEventData('PaymentFailed', { reason: envelope })`.
   */
  openEventData<T extends OrderEventType>(eventType: T, data: SealedEventData<T>): Promise<OpenedEventData<T>>;
  openEventData<D extends object>(eventType: string, data: D): Promise<D>;
  /** Opens many events with one key lookup; the input events are never changed. */
  openEvents<E extends { readonly type: string; readonly data: object }>(events: readonly E[]): Promise<E[]>;
  /** Crypto-shredding: deletes the customer's key; every copy of their sealed data reads "[erased]". */
  forgetCustomer(customerId: string): Promise<Erasure>;
  isErased(customerId: string): Promise<boolean>;
  /** Releases what the vault holds (the sealing-key cache's LISTEN connection), before the pool ends. */
  close(): Promise<void>;
}

interface SealedField {
  event: number;
  eventType: string;
  field: string;
  sealed: SealedValue;
}

export function personalDataVault(keys: KeyVault, close: () => Promise<void> = async () => undefined): PersonalDataVault {
  /** The fields of one event's data to seal; throws on data that must not be sealed here. */
  function fieldsToSeal(customerId: string, eventType: string, record: Record<string, unknown>): string[] {
    if (eventType === 'OrderPlaced' && record.customerId !== customerId) {
      throw new Error(`OrderPlaced for customer ${String(record.customerId)} cannot be sealed under customer ${customerId}'s key`);
    }
    const fields = personalFieldsOf(eventType).filter((field) => record[field] !== undefined);
    for (const field of fields) {
      // Sealing twice would store an envelope inside an envelope: a bug upstream, not data.
      if (isSealedValue(record[field])) throw new Error(`${eventType}.${field} is already sealed`);
    }
    return fields;
  }

  function sealFields(record: Record<string, unknown>, fields: readonly string[], dataKey: DataKey, eventType: string): Record<string, unknown> {
    const sealed: Record<string, unknown> = { ...record };
    for (const field of fields) sealed[field] = sealValue(record[field], dataKey, { eventType, field });
    return sealed;
  }

  async function keyOf(customerId: string): Promise<DataKey> {
    return (await keys.dataKeysFor([customerId])).get(customerId) as DataKey;
  }

  async function sealEventData<T extends OrderEventType>(customerId: string, eventType: T, data: EventData<T>): Promise<SealedEventData<T>> {
    const record = data as Record<string, unknown>;
    const fields = fieldsToSeal(customerId, eventType, record);
    if (fields.length === 0) return { ...record } as SealedEventData<T>;
    return sealFields(record, fields, await keyOf(customerId), eventType) as SealedEventData<T>;
  }

  async function sealHistories<E extends { readonly type: string; readonly data: object }>(histories: readonly { customerId: string; events: readonly E[] }[]): Promise<E[][]> {
    const fields = histories.map(({ customerId, events }) => events.map((event) => fieldsToSeal(customerId, event.type, event.data as Record<string, unknown>)));
    const needKeys = histories.filter((_, index) => fields[index].some((list) => list.length > 0)).map(({ customerId }) => customerId);
    const keyByCustomer = needKeys.length > 0 ? await keys.dataKeysFor(needKeys) : new Map<string, DataKey>();
    return histories.map(({ customerId, events }, history) => {
      const dataKey = keyByCustomer.get(customerId);
      return events.map((event, index) => {
        const list = fields[history][index];
        // An event with nothing to seal is passed on as it is (never changed): copying it and its
        // data was two objects per event for most of an import's events (issue 12).
        if (list.length === 0 || !dataKey) return event;
        return { ...event, data: sealFields(event.data as Record<string, unknown>, list, dataKey, event.type) } as E;
      });
    });
  }

  async function sealEvents<E extends { readonly type: string; readonly data: object }>(customerId: string, events: readonly E[]): Promise<E[]> {
    const [sealed] = await sealHistories([{ customerId, events }]);
    return sealed;
  }

  async function openEvents<E extends { readonly type: string; readonly data: object }>(events: readonly E[]): Promise<E[]> {
    const found: SealedField[] = [];
    events.forEach((event, index) => {
      const data = event.data as Record<string, unknown>;
      for (const field of personalFieldsOf(event.type)) {
        const value = data[field];
        // A personal field that is not sealed (an event written before sealing) is passed on.
        if (isSealedValue(value)) found.push({ event: index, eventType: event.type, field, sealed: value });
      }
    });
    if (found.length === 0) return [...events];
    const keyById = await keys.dataKeysById(found.map((f) => f.sealed.keyId));
    const opened = events.map((event) => ({ ...event, data: { ...event.data } as Record<string, unknown> }));
    for (const { event, eventType, field, sealed } of found) {
      const key = keyById.get(sealed.keyId.toLowerCase());
      opened[event].data[field] = key ? openValue(sealed, key, { eventType, field }) : ERASED;
    }
    return opened as unknown as E[];
  }

  async function openEventData(eventType: string, data: object): Promise<object> {
    const [opened] = await openEvents([{ type: eventType, data }]);
    return opened.data;
  }

  return {
    sealEventData,
    sealEvents,
    sealHistories,
    openEventData: openEventData as PersonalDataVault['openEventData'],
    openEvents,
    forgetCustomer: (customerId) => keys.forget(customerId),
    isErased: (customerId) => keys.isErased(customerId),
    close,
  };
}
