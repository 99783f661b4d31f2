/** Each generation of a view has its own collections/tables, named `<collection>_g<n>`. */
export function physicalName(collection: string, generation: number): string {
  return `${collection.replace(/-/g, '_')}_g${generation}`;
}
