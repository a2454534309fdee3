import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type * as z from 'zod';
import { ddb, tableName } from '../../shared/clients.ts';
import { batchGet } from './batch.ts';
import { queryPage, queryPartition, type ListQuery, type Page, type PageRequest, type SortCondition } from './pagination.ts';
import { tableDefinition, type IndexName } from './table.ts';
import type { ItemKey } from './transact.ts';

/**
 * An entity of the single table, declared once: its `type` attribute, the zod schema of what it
 * stores, its key and its named access patterns (after ElectroDB's entities, without the library).
 * Every key string of the entity is made here and nowhere else, every read goes through the schema,
 * and a listing is called by its name (`villages.query.byCounty`), not rebuilt from index names.
 *
 * The schema's input is what is stored, its output what readers get; for most entities the two are
 * the same, but a schema may reshape (the reward program stores its budget flat and shows it nested).
 */

/** Where an item stands in a secondary index. */
export interface Placement<P> {
  /** What names the listing the item is in (passed to `partition`). */
  readonly partition: P;
  readonly sort: string;
}

/** An access pattern over a global secondary index, whose key attributes `item()` writes. */
export interface IndexPattern<Source, P> {
  readonly index: IndexName;
  /** The listing's partition key value, from what names it (a county, a program …). */
  partition(parts: P): string;
  /** Where an item is listed; undefined keeps it out of the index (a decision no longer open). */
  readonly place: (source: Source) => Placement<P> | undefined;
}

/** An access pattern over a partition of the table itself, usually shared with other entities. */
export interface TablePattern<P> {
  readonly index: 'table';
  /** Must be the `pk` the entity's key makes for the same parts. */
  partition(parts: P): string;
  /** What this entity's sort keys start with in the shared partition (`ALLOC#`). */
  readonly sortPrefix?: string;
}

export type Pattern<Source, P> = IndexPattern<Source, P> | TablePattern<P>;

type PatternBuilder<Source> = <P>(pattern: Pattern<Source, P>) => Pattern<Source, P>;

type PartsOf<T> = T extends { partition(parts: infer P): string } ? P : never;

/** Key parts the stored record does not carry itself (a run's allocation does not store the run id). */
type MissingParts<R, K> = Omit<K, keyof R>;
export type ExtraParts<R, K> = keyof MissingParts<R, K> extends never ? [] : [parts: MissingParts<R, K>];

export interface ListOptions {
  /** `begins_with` on the sort key (after the pattern's own prefix). */
  readonly sortPrefix?: string | undefined;
  readonly newestFirst?: boolean | undefined;
  readonly filter?: ListQuery['filter'];
}

export interface EachOptions {
  /** Narrows the sort key (after the pattern's own prefix). */
  readonly sort?: SortCondition | undefined;
  readonly consistent?: boolean | undefined;
}

export interface Query<R, P> {
  partition(parts: P): string;
  /** One page for the API, with a cursor. */
  page(parts: P, page: PageRequest, options?: ListOptions): Promise<Page<R>>;
  /** Every item, a DynamoDB page at a time. */
  all(parts: P, options?: EachOptions): AsyncGenerator<R>;
  /** Every item with its key, for entities that keep a number only in their key. */
  entries(parts: P, options?: EachOptions): AsyncGenerator<{ readonly key: ItemKey; readonly record: R }>;
  /** Only the attributes of `projection` (a pick of the entity's schema), e.g. the amounts to sum. */
  select<T extends z.ZodObject>(parts: P, projection: T, options?: EachOptions): AsyncGenerator<z.output<T>>;
}

export interface EntitySpec<S extends z.ZodType, K, I> {
  /** The item's `type` attribute. */
  readonly type: string;
  readonly schema: S;
  /** The item's primary key, from what names one item. */
  readonly key: (parts: K) => ItemKey;
  readonly indexes?: (pattern: PatternBuilder<z.input<S> & K>) => I;
}

export interface Entity<S extends z.ZodType, K, I> {
  readonly type: string;
  readonly schema: S;
  keyOf(parts: K): ItemKey;
  /** The item to store: the record with its key, its `type` and its index keys. */
  item(record: z.input<S>, ...extra: ExtraParts<z.input<S>, K>): Record<string, unknown>;
  /** A stored item as readers see it: key attributes and `type` dropped, the rest validated. */
  parse(item: Record<string, unknown>): z.output<S>;
  get(parts: K, options?: { consistent?: boolean }): Promise<z.output<S> | undefined>;
  /** Batch read (strongly consistent unless told otherwise); missing items are absent, order is not kept. */
  getMany(parts: readonly K[], options?: { consistent?: boolean }): Promise<z.output<S>[]>;
  readonly query: { readonly [N in keyof I]: Query<z.output<S>, PartsOf<I[N]>> };
}

const keyAttributes = new Set<string>([
  tableDefinition.partitionKey,
  tableDefinition.sortKey,
  ...tableDefinition.globalSecondaryIndexes.flatMap((i) => [i.partitionKey, i.sortKey]),
  'type',
]);

export function defineEntity<S extends z.ZodType, K, I extends Record<string, Pattern<z.input<S> & K, unknown>> = Record<never, never>>(
  spec: EntitySpec<S, K, I>,
): Entity<S, K, I> {
  type R = z.output<S>;
  type Source = z.input<S> & K;
  const patterns: Record<string, Pattern<Source, unknown>> = spec.indexes?.((pattern) => pattern) ?? {};

  const parse = (item: Record<string, unknown>): R => spec.schema.parse(Object.fromEntries(Object.entries(item).filter(([name]) => !keyAttributes.has(name))));

  const queryOf = (pattern: Pattern<Source, unknown>): Query<R, unknown> => {
    const index = pattern.index === 'table' ? undefined : pattern.index;
    const base = pattern.index === 'table' ? (pattern.sortPrefix ?? '') : '';
    const sortOf = (sort: SortCondition | undefined): SortCondition | undefined => {
      if (!sort) return base ? { beginsWith: base } : undefined;
      return 'beginsWith' in sort ? { beginsWith: base + sort.beginsWith } : { between: [base + sort.between[0], base + sort.between[1]] };
    };
    const raw = (parts: unknown, options: EachOptions, projection?: readonly string[]) =>
      queryPartition({ index, partition: pattern.partition(parts), sort: sortOf(options.sort), consistent: options.consistent, projection });
    return {
      partition: (parts) => pattern.partition(parts),
      page: (parts, page, options = {}) =>
        queryPage(
          { index, partition: pattern.partition(parts), sortPrefix: base + (options.sortPrefix ?? '') || undefined, newestFirst: options.newestFirst, filter: options.filter },
          page,
          parse,
        ),
      async *all(parts, options = {}) {
        for await (const item of raw(parts, options)) yield parse(item);
      },
      async *entries(parts, options = {}) {
        for await (const item of raw(parts, options)) yield { key: { pk: String(item.pk), sk: String(item.sk) }, record: parse(item) };
      },
      async *select(parts, projection, options = {}) {
        for await (const item of raw(parts, options, Object.keys(projection.shape))) yield projection.parse(item);
      },
    };
  };

  return {
    type: spec.type,
    schema: spec.schema,
    keyOf: (parts) => spec.key(parts),
    item(record, ...extra) {
      // The extra parts are exactly the key parts the record lacks, so together they are a Source.
      const source = Object.assign({}, record, (extra as unknown[])[0]) as Source;
      const indexKeys: Record<string, string> = {};
      for (const pattern of Object.values(patterns)) {
        if (pattern.index === 'table') continue;
        const placed = pattern.place(source);
        if (!placed) continue;
        indexKeys[`${pattern.index}pk`] = pattern.partition(placed.partition);
        indexKeys[`${pattern.index}sk`] = placed.sort;
      }
      return { ...spec.key(source), ...indexKeys, type: spec.type, ...(record as Record<string, unknown>) };
    },
    parse,
    async get(parts, options = {}) {
      const { Item } = await ddb().send(new GetCommand({ TableName: tableName(), Key: { ...spec.key(parts) }, ConsistentRead: options.consistent ?? false }));
      return Item ? parse(Item) : undefined;
    },
    async getMany(parts, options = {}) {
      return (await batchGet(parts.map(spec.key), { consistent: options.consistent ?? true })).map(parse);
    },
    query: Object.fromEntries(Object.entries(patterns).map(([name, pattern]) => [name, queryOf(pattern)])) as Entity<S, K, I>['query'],
  };
}

/** Sequence numbers in sort keys, zero-padded so that key order is number order. */
export const sequenceNumber = (n: number) => String(n).padStart(5, '0');

/**
 * An entity that comes as a numbered sequence under its parent's partition (the pages a run stages,
 * the chunks of an upload): sort key `<prefix><n>`, listed in number order.
 */
export function defineSequence<S extends z.ZodType>(spec: { type: string; schema: S; partition: (parent: string) => string; prefix: string }) {
  return defineEntity({
    type: spec.type,
    schema: spec.schema,
    key: (p: { parent: string; n: number }) => ({ pk: spec.partition(p.parent), sk: spec.prefix + sequenceNumber(p.n) }),
    indexes: (pattern) => ({
      /** The whole sequence of a parent. */
      ofParent: pattern({ index: 'table', partition: spec.partition, sortPrefix: spec.prefix }),
    }),
  });
}

/**
 * Set `attribute` of an existing item to `value` unless it holds another value already (an
 * execution ARN recorded once, while a repeat of the same value is harmless). False when the
 * item is missing or holds another value.
 */
export async function setOnce(key: ItemKey, attribute: string, value: string): Promise<boolean> {
  try {
    await ddb().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: { ...key },
        UpdateExpression: 'SET #a = :v',
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(#a) OR #a = :v)',
        ExpressionAttributeNames: { '#a': attribute },
        ExpressionAttributeValues: { ':v': value },
      }),
    );
    return true;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return false;
    throw err;
  }
}
