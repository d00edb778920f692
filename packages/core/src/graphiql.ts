/**
 * GraphiQL from our own dependencies: @graphql-yoga/render-graphiql inlines the GraphiQL bundle,
 * its styles, favicon and Monaco workers into the page, so the page loads nothing from outside
 * (Yoga's default page pulls every script from a public CDN and is blank on an intranet).
 * Its GraphiQL honours `defaultQuery` (the CDN page of Yoga 5.24 showed the welcome text instead).
 * The page is about 9 MB of text: the package is loaded on the first request for it (production
 * never serves GraphiQL, so never loads it), and a page is rendered once per set of options.
 */
export function createGraphiQLRenderer(): (opts: Record<string, unknown>) => Promise<string> {
  const pages = new Map<string, string>();
  return async (opts) => {
    const key = JSON.stringify(opts);
    let page = pages.get(key);
    if (!page) {
      const { renderGraphiQL } = await import('@graphql-yoga/render-graphiql');
      page = renderGraphiQL(opts as never);
      if (pages.size > 10) pages.clear();
      pages.set(key, page);
    }
    return page;
  };
}
