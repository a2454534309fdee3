import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from '../../shared/clients.ts';
import { ValidationError } from '../../shared/errors.ts';
import type { IndexName } from './table.ts';

/**
 * Opaque pagination: a cursor is the base64url of the last returned item's key, bound to the
 * partition it was made for, so a cursor from one listing cannot be replayed against another
 * (DynamoDB would reject it with an error that must not become a 500).
 */

export interface PageRequest {
  readonly limit: number;
  readonly cursor?: string | undefined;
}

export interface Page<T> {
  readonly items: T[];
  /** Present when more items may follow; pass it back as `cursor`. A page may be shorter than the limit. */
  readonly nextCursor?: string;
}

type Key = Record<string, string>;

function keyNames(index: IndexName | undefined): string[] {
  return index ? ['pk', 'sk', `${index}pk`, `${index}sk`] : ['pk', 'sk'];
}

function encodeCursor(key: Record<string, unknown>, names: readonly string[]): string {
  return Buffer.from(JSON.stringify(names.map((n) => String(key[n])))).toString('base64url');
}

const invalidCursor = () => new ValidationError([{ field: 'cursor', message: 'is not a cursor of this listing', in: 'query' }]);

/**
 * The key a cursor names, checked against the query it is handed to: its partition is the
 * listing's and its sort key lies inside the listing's sort condition, so DynamoDB is never given a
 * start key outside the query (which it refuses with an error that must not become a 500).
 */
function decodeCursor(cursor: string, names: readonly string[], query: ListQuery): Key {
  const invalid = invalidCursor();
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  if (!Array.isArray(values) || values.length !== names.length || !values.every((v) => typeof v === 'string' && v.length > 0)) throw invalid;
  const key: Key = Object.fromEntries(names.map((n, i) => [n, values[i] as string]));
  if (key[query.index ? `${query.index}pk` : 'pk'] !== query.partition) throw invalid;
  if (query.sortPrefix !== undefined && !key[query.index ? `${query.index}sk` : 'sk']!.startsWith(query.sortPrefix)) throw invalid;
  return key;
}

export interface ListQuery {
  readonly index?: IndexName;
  /** Partition key value of the listing. */
  readonly partition: string;
  /** Optional `begins_with` on the sort key. */
  readonly sortPrefix?: string;
  readonly newestFirst?: boolean;
  /** A FilterExpression over non-key attributes with its names and values (`#f0`, `:f0` …). */
  readonly filter?: { expression: string; names: Record<string, string>; values: Record<string, unknown> } | undefined;
}

/**
 * A condition on a non-key attribute: equal to a value, starting with a prefix, present/absent, or
 * present and below a bound (`before`: a deadline earlier than an instant; absent never matches).
 */
export type FilterCondition = string | number | boolean | { readonly beginsWith: string } | { readonly exists: boolean } | { readonly before: string };

/**
 * The FilterExpression under which every given condition holds, for {@link ListQuery.filter};
 * conditions that are undefined (filters the caller did not ask for) are left out, and no condition
 * at all gives no filter. Attribute names and values go through placeholders, so reserved words
 * (`status`, `level`) need no care at the call site.
 */
export function whereAll(conditions: Readonly<Record<string, FilterCondition | undefined>>): ListQuery['filter'] {
  const clauses: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  for (const [attribute, condition] of Object.entries(conditions)) {
    if (condition === undefined) continue;
    const n = `#f${clauses.length}`;
    const v = `:f${clauses.length}`;
    names[n] = attribute;
    if (typeof condition === 'object' && 'exists' in condition) {
      clauses.push(condition.exists ? `attribute_exists(${n})` : `attribute_not_exists(${n})`);
      continue;
    }
    if (typeof condition === 'object' && 'before' in condition) {
      values[v] = condition.before;
      clauses.push(`${n} < ${v}`);
      continue;
    }
    if (typeof condition === 'object') {
      values[v] = condition.beginsWith;
      clauses.push(`begins_with(${n}, ${v})`);
    } else {
      values[v] = condition;
      clauses.push(`${n} = ${v}`);
    }
  }
  return clauses.length > 0 ? { expression: clauses.join(' AND '), names, values } : undefined;
}

/** How many Query calls one page may take when a filter discards items, before returning a short page. */
const maxCallsPerPage = 10;

/** The sort-key part of a key condition: a prefix, or an inclusive range. */
export type SortCondition = { readonly beginsWith: string } | { readonly between: readonly [string, string] };

function keyCondition(index: IndexName | undefined, partition: string, sort: SortCondition | undefined) {
  const names: Record<string, string> = { '#pk': index ? `${index}pk` : 'pk' };
  const values: Record<string, unknown> = { ':pk': partition };
  if (!sort) return { expression: '#pk = :pk', names, values };
  names['#sk'] = index ? `${index}sk` : 'sk';
  if ('beginsWith' in sort) {
    values[':sk'] = sort.beginsWith;
    return { expression: '#pk = :pk AND begins_with(#sk, :sk)', names, values };
  }
  values[':first'] = sort.between[0];
  values[':last'] = sort.between[1];
  return { expression: '#pk = :pk AND #sk BETWEEN :first AND :last', names, values };
}

/** One page of a partition, `map` applied to each item. Walk `nextCursor` until it is absent to see every item. */
export async function queryPage<T>(query: ListQuery, page: PageRequest, map: (item: Record<string, unknown>) => T): Promise<Page<T>> {
  const names = keyNames(query.index);
  let start: Key | undefined = page.cursor ? decodeCursor(page.cursor, names, query) : undefined;
  const key = keyCondition(query.index, query.partition, query.sortPrefix ? { beginsWith: query.sortPrefix } : undefined);
  const input: QueryCommandInput = {
    TableName: tableName(),
    IndexName: query.index,
    KeyConditionExpression: key.expression,
    ExpressionAttributeNames: { ...key.names, ...query.filter?.names },
    ExpressionAttributeValues: { ...key.values, ...query.filter?.values },
    FilterExpression: query.filter?.expression,
    ScanIndexForward: !query.newestFirst,
    Limit: page.limit,
  };
  const raw: Record<string, unknown>[] = [];
  for (let calls = 0; calls < maxCallsPerPage; calls++) {
    const out = await ddb()
      .send(new QueryCommand({ ...input, ExclusiveStartKey: start }))
      .catch((err: unknown) => {
        // Anything else DynamoDB finds wrong with a start key that came from a client is the cursor's fault.
        if (calls === 0 && page.cursor && err instanceof Error && err.name === 'ValidationException' && /start(ing)? key|ExclusiveStartKey/i.test(err.message)) throw invalidCursor();
        throw err;
      });
    raw.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey as Key | undefined;
    if (!start || raw.length >= page.limit) break;
  }
  if (raw.length > page.limit) {
    // The last Query returned more than this page needs: continue after the last item kept.
    const kept = raw.slice(0, page.limit);
    return { items: kept.map(map), nextCursor: encodeCursor(kept[kept.length - 1]!, names) };
  }
  return start ? { items: raw.map(map), nextCursor: encodeCursor(start, names) } : { items: raw.map(map) };
}

export interface PartitionQuery {
  readonly index?: IndexName | undefined;
  /** Partition key value. */
  readonly partition: string;
  readonly sort?: SortCondition | undefined;
  /** Only these attributes (a sum or a lookup that needs two fields of every item). */
  readonly projection?: readonly string[] | undefined;
  /** Strongly consistent (the table only: an index is always eventually consistent). */
  readonly consistent?: boolean | undefined;
}

/**
 * Every item of a partition in key order, read a DynamoDB page at a time: for work that needs the
 * whole partition (sums, reassembling chunks, exports), where memory should hold one page at once.
 * API listings use {@link queryPage} instead, which hands the caller a cursor.
 */
export async function* queryPartition(query: PartitionQuery): AsyncGenerator<Record<string, unknown>> {
  const key = keyCondition(query.index, query.partition, query.sort);
  const projected = query.projection?.map((name, i) => [`#p${i}`, name] as const) ?? [];
  const input: QueryCommandInput = {
    TableName: tableName(),
    IndexName: query.index,
    KeyConditionExpression: key.expression,
    ExpressionAttributeNames: { ...key.names, ...Object.fromEntries(projected) },
    ExpressionAttributeValues: key.values,
    ...(projected.length > 0 ? { ProjectionExpression: projected.map(([placeholder]) => placeholder).join(', ') } : {}),
    ...(query.consistent ? { ConsistentRead: true } : {}),
  };
  let start: Record<string, unknown> | undefined;
  do {
    const out = await ddb().send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    for (const item of out.Items ?? []) yield item;
    start = out.LastEvaluatedKey;
  } while (start);
}

/** A listing made of several partitions of one index, read newest first as one list. */
export interface MergedQuery {
  readonly index: IndexName;
  /** Partition key values; their sort keys must be unique across them (they name the item). */
  readonly partitions: readonly string[];
  /** Names the listing its cursors belong to: a cursor of another listing is refused. */
  readonly listing: string;
  /** Only sort keys greater than this (e.g. newer than a time the sort keys start with). */
  readonly after?: string | undefined;
}

/** Above every sort key of the merged listings (their sort keys start with an ISO time). */
const sortCeiling = '~';

function encodeMergedCursor(listing: string, lastSort: string): string {
  return Buffer.from(JSON.stringify(['merged', listing, lastSort])).toString('base64url');
}

function decodeMergedCursor(cursor: string, listing: string): string {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(values) || values.length !== 3 || values[0] !== 'merged' || values[1] !== listing || typeof values[2] !== 'string' || values[2].length === 0 || values[2] >= sortCeiling) throw invalidCursor();
  return values[2];
}

/**
 * One page of several partitions merged newest first by sort key (a user's notifications come from
 * their own partition, their role's and their division's): one Query per partition, never a scan.
 * The cursor is the last returned item's sort key, so the next page asks each partition for what
 * lies below it. A partition that could not say everything below the page (DynamoDB's 1 MB answer
 * limit) holds the page back to what is certainly in order.
 */
export async function queryMergedNewestFirst<T>(query: MergedQuery, page: PageRequest, map: (item: Record<string, unknown>) => T): Promise<Page<T>> {
  const before = page.cursor ? decodeMergedCursor(page.cursor, query.listing) : undefined;
  const sortName = `${query.index}sk`;
  const lower = query.after !== undefined ? `${query.after}${sortCeiling}` : ' ';
  const answers = await Promise.all(
    [...new Set(query.partitions)].map(async (partition) => {
      const out = await ddb().send(
        new QueryCommand({
          TableName: tableName(),
          IndexName: query.index,
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :lo AND :hi',
          ExpressionAttributeNames: { '#pk': `${query.index}pk`, '#sk': sortName },
          ExpressionAttributeValues: { ':pk': partition, ':lo': lower, ':hi': before ?? sortCeiling },
          ScanIndexForward: false,
          // One more than the page, since the item at the cursor itself comes back (BETWEEN is inclusive).
          Limit: page.limit + 1,
        }),
      );
      const items = (out.Items ?? []).filter((item) => item[sortName] !== before);
      return { items, truncated: out.LastEvaluatedKey !== undefined };
    }),
  );
  // Below the last item of a partition that has more, the order is unknown until it is read.
  const floor = answers.filter((a) => a.truncated && a.items.length > 0).reduce<string | undefined>((f, a) => {
    const last = String(a.items[a.items.length - 1]![sortName]);
    return f === undefined || last > f ? last : f;
  }, undefined);
  const merged = answers
    .flatMap((a) => a.items)
    .sort((a, b) => (String(a[sortName]) < String(b[sortName]) ? 1 : -1))
    .filter((item) => floor === undefined || String(item[sortName]) >= floor);
  const kept = merged.slice(0, page.limit);
  const more = merged.length > page.limit || answers.some((a) => a.truncated);
  return more && kept.length > 0 ? { items: kept.map(map), nextCursor: encodeMergedCursor(query.listing, String(kept[kept.length - 1]![sortName])) } : { items: kept.map(map) };
}
