/** Fixed data the scenario generator draws from. */
export const currencies = [
  { code: 'EUR', min: 99, max: 49_999, weight: 4 },
  { code: 'USD', min: 99, max: 59_999, weight: 3 },
  { code: 'GBP', min: 99, max: 39_999, weight: 2 },
  { code: 'JPY', min: 100, max: 80_000, weight: 1 },
  { code: 'SEK', min: 1_000, max: 500_000, weight: 1 },
] as const;

export const products = [
  ['BOOK-DDIA', 'Designing Data-Intensive Applications'],
  ['MUG-BLUE', 'Blue enamel mug'],
  ['TEE-M-BLK', 'T-shirt, black, M'],
  ['CABLE-USBC-2M', 'USB-C cable 2 m'],
  ['LAMP-DESK', 'Desk lamp'],
  ['COFFEE-1KG', 'Coffee beans 1 kg'],
  ['SOCKS-3', 'Socks, pack of 3'],
  ['KBD-TKL', 'Mechanical keyboard'],
  ['PLANT-FICUS', 'Ficus in a pot'],
  ['PEN-FOUNTAIN', 'Fountain pen'],
  ['TEA-GREEN', 'Green tea 100 g'],
  ['BAG-TOTE', 'Tote bag'],
  ['HEADPHONES', 'Wireless headphones'],
  ['NOTEBOOK-A5', 'Notebook A5, dotted'],
] as const;

export const addresses = [
  { name: 'Ada Lovelace', line1: '12 St James Square', city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' },
  { name: 'Grace Hopper', line1: '1 Liberty Plaza', city: 'New York', postalCode: '10006', country: 'US' },
  { name: 'Émilie du Châtelet', line1: '8 rue de Rivoli', line2: 'Bâtiment B', city: 'Paris', postalCode: '75004', country: 'FR' },
  { name: 'Karl Weierstraß', line1: 'Unter den Linden 6', city: 'Berlin', postalCode: '10117', country: 'DE' },
  { name: 'Sofia Kovalevskaya', line1: 'Drottninggatan 71', city: 'Stockholm', postalCode: '111 36', country: 'SE' },
  { name: 'Kiyoshi Itō', line1: '3-1 Marunouchi', city: 'Tokyo', postalCode: '100-0005', country: 'JP' },
] as const;

export const hubs = ['Leipzig hub', 'Paris CDG', 'East Midlands', 'Louisville Worldport', 'Cologne hub', 'Malmö terminal', 'Osaka depot', 'Liège air hub', 'Local depot'];
export const carriers = ['DHL', 'UPS', 'FedEx', 'PostNord', 'Royal Mail', 'Yamato'];
export const warehouses = ['WH-BERLIN', 'WH-LYON', 'WH-LEEDS', 'WH-NJ'];
export const methods = ['card', 'paypal', 'bank_transfer', 'wallet'] as const;
export const failReasons = ['card declined', 'insufficient funds', '3-D Secure timed out', 'expired card'];
export const cancelReasons = ['customer changed their mind', 'found it cheaper', 'payment never completed', 'duplicate order'];
export const refundReasons = ['damaged item', 'item missing from parcel', 'goodwill gesture', 'returned in full'];
export const receivers = ['the customer', 'neighbour at no. 14', 'reception desk', 'J. Smith', 'parcel locker'];
