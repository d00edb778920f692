import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import { parse } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * Trusted documents (persisted operations): clients send the sha256 of a registered document
 * (`extensions.persistedQuery.sha256Hash`) instead of the document.
 * - `off`: documents only, hashes are not understood (development, GraphiQL);
 * - `allow`: registered hashes and arbitrary documents;
 * - `only`: registered hashes only; any other operation is refused before parsing (production).
 */
export const TRUSTED_DOCUMENT_MODES = ['off', 'allow', 'only'] as const;
export type TrustedDocumentsMode = (typeof TRUSTED_DOCUMENT_MODES)[number];

export interface TrustedDocumentsConfig {
  mode: TrustedDocumentsMode;
  /** Manifest files (JSON: sha256 hex of the document → the document), e.g. @safecity/client's operations.json. */
  manifests: string[];
}

/** TRUSTED_DOCUMENTS and TRUSTED_DOCUMENTS_MANIFEST (comma-separated paths). */
export function trustedDocumentsConfigOf(env: NodeJS.ProcessEnv): TrustedDocumentsConfig {
  const mode = env.TRUSTED_DOCUMENTS || 'off';
  if (!(TRUSTED_DOCUMENT_MODES as readonly string[]).includes(mode)) throw new Error(`TRUSTED_DOCUMENTS must be one of ${TRUSTED_DOCUMENT_MODES.join(', ')}.`);
  const manifests = (env.TRUSTED_DOCUMENTS_MANIFEST ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  if (mode !== 'off' && manifests.length === 0)
    throw new Error(`TRUSTED_DOCUMENTS=${mode} needs TRUSTED_DOCUMENTS_MANIFEST (a path to a manifest such as packages/client/src/generated/operations.json).`);
  return { mode: mode as TrustedDocumentsMode, manifests };
}

/**
 * The documents of the manifests by hash. A manifest whose hash is not the sha256 of its
 * document, or whose document does not parse, stops the start: a wrong manifest would refuse
 * every client at run time instead.
 */
export function loadTrustedDocuments(paths: string[]): Map<string, string> {
  const documents = new Map<string, string>();
  for (const path of paths) {
    let manifest: unknown;
    try {
      manifest = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new Error(`TRUSTED_DOCUMENTS_MANIFEST ${path}: ${(e as Error).message}`);
    }
    if (!manifest || typeof manifest !== 'object' || Array.isArray(manifest)) throw new Error(`TRUSTED_DOCUMENTS_MANIFEST ${path}: expected an object of hash → document.`);
    for (const [hash, document] of Object.entries(manifest)) {
      if (typeof document !== 'string' || sha256(document) !== hash) throw new Error(`TRUSTED_DOCUMENTS_MANIFEST ${path}: ${hash} is not the sha256 of its document.`);
      parse(document);
      documents.set(hash, document);
    }
  }
  return documents;
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The plugin for a configuration; none when trusted documents are off. */
export function useTrustedDocuments(config: TrustedDocumentsConfig): Plugin | null {
  if (config.mode === 'off') return null;
  const documents = loadTrustedDocuments(config.manifests);
  const required = {
    message: 'This server accepts registered operations only (TRUSTED_DOCUMENTS=only): send extensions.persistedQuery.sha256Hash of a document in its manifest, not the document.',
    extensions: { code: 'TRUSTED_DOCUMENT_REQUIRED', http: { status: 400 } },
  };
  return usePersistedOperations({
    getPersistedOperation: (hash) => documents.get(hash) ?? null,
    allowArbitraryOperations: config.mode === 'allow',
    customErrors: {
      notFound: {
        message: "No registered operation has this hash (extensions.persistedQuery.sha256Hash): it is not in the server's trusted-documents manifest.",
        extensions: { code: 'TRUSTED_DOCUMENT_UNKNOWN', http: { status: 404 } },
      },
      keyNotFound: required,
      persistedQueryOnly: required,
    },
  });
}
