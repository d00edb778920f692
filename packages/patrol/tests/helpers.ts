import type { TestServer } from '@safecity/core/testing';

/** Runs a mutation returning a `Success | DomainError` union; returns `data` or the error. */
export async function mutate(s: TestServer, token: string, field: string, args: string, vars: Record<string, unknown>, selection = 'id') {
  const typeName = `${field[0].toUpperCase()}${field.slice(1)}Success`;
  const r = await s.gql(
    `mutation M(${args}) { ${field}(${args
      .split(',')
      .map((a) => a.trim().split(':')[0].slice(1))
      .map((n) => `${n}: $${n}`)
      .join(', ')}) { __typename ... on ${typeName} { data { ${selection} } } ... on DomainError { code field message details } } }`,
    vars,
    { token },
  );
  if (r.errors) return { data: null, error: null, errors: r.errors } as const;
  const res = r.data[field];
  return res.__typename === 'DomainError' ? ({ data: null, error: res, errors: null } as const) : ({ data: res.data, error: null, errors: null } as const);
}

/** Like mutate, but fails the test on any error. */
export async function must(s: TestServer, token: string, field: string, args: string, vars: Record<string, unknown>, selection = 'id') {
  const r = await mutate(s, token, field, args, vars, selection);
  if (!r.data) throw new Error(`${field} failed: ${JSON.stringify(r.error ?? r.errors)}`);
  return r.data;
}

export const sh = (local: string) => new Date(`${local}+08:00`).toISOString();
