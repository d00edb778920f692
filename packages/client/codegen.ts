import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Every scalar of the schema mapped to a TypeScript type (strictScalars makes a new scalar
 * without a mapping fail generation rather than come out as `unknown`). Input and output alike:
 * the server sends and accepts these scalars as JSON strings, numbers and values.
 */
export const SCALARS = {
  ID: 'string',
  CreditCode: 'string',
  Date: 'string',
  DateTime: 'string',
  DivisionCode: 'string',
  IdempotencyKey: 'string',
  JSON: "import('../json.js').JsonValue",
  Latitude: 'number',
  Longitude: 'number',
  ResidentIdNumber: 'string',
} as const;

/** `out`: the folder the generated files go to (the committed one, or a temporary one for the check). */
export function codegenConfig(out: string, root: string): CodegenConfig {
  return {
    schema: `${root}/packages/api/schema.graphql`,
    documents: [`${root}/packages/client/operations/*.graphql`],
    ignoreNoDocuments: false,
    silent: true,
    generates: {
      [`${out}/`]: {
        preset: 'client',
        presetConfig: {
          fragmentMasking: false,
          gqlTagName: 'graphql',
        },
        config: {
          strictScalars: true,
          scalars: SCALARS,
          enumsAsTypes: true,
          useTypeImports: true,
          avoidOptionals: { field: true, inputValue: false, object: true, defaultValue: false },
          skipTypename: false,
          documentMode: 'documentNode',
        },
      },
    },
  };
}
