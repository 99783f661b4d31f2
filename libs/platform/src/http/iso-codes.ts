import { codes as currencyCodes, publishDate as iso4217PublishDate } from 'currency-codes';
import { getAlpha2Codes } from 'i18n-iso-countries/index';

/**
 * Country and currency codes as the lists they are, not as shapes (API.md "v1 clarifications":
 * `XX` and `ZZZ` passed `^[A-Z]{2}$` / `^[A-Z]{3}$`). The lists come from maintained packages
 * that track the standards: `currency-codes` (the ISO 4217 list one published by SIX) and
 * `i18n-iso-countries` (ISO 3166-1; its plain index, without the name translations).
 */
// XTS (reserved for testing) and XXX (no currency) are in the ISO 4217 list but price nothing.
const NOT_MONEY = new Set(['XTS', 'XXX']);
export const ISO_4217_CODES: ReadonlySet<string> = new Set(currencyCodes().filter((code) => !NOT_MONEY.has(code)));
export const ISO_4217_PUBLISHED = iso4217PublishDate;
export const ISO_3166_ALPHA2_CODES: ReadonlySet<string> = new Set(Object.keys(getAlpha2Codes()));

/** JSON Schema formats for request schemas: `{ type: 'string', format: 'iso-4217' }`. */
export const isoFormats = {
  'iso-4217': (value: string) => ISO_4217_CODES.has(value),
  'iso-3166-alpha-2': (value: string) => ISO_3166_ALPHA2_CODES.has(value),
};
