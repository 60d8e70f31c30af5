export interface ApiClient {
  get<T = unknown>(
    path: string,
    query?: Record<string, string | number | undefined>,
  ): Promise<{ status: number; body: T }>;
}

export function apiClient(baseUrl: string, key?: string): ApiClient {
  return {
    async get<T>(path: string, query: Record<string, string | number | undefined> = {}) {
      const url = new URL(path, baseUrl);
      for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
      const response = await fetch(url, {
        headers: key === undefined ? {} : { authorization: `Bearer ${key}` },
      });
      return { status: response.status, body: (await response.json()) as T };
    },
  };
}

/** Every item of a list endpoint, walking its keyset pages. */
export async function allPages<T>(
  api: ApiClient,
  path: string,
  query: Record<string, string | number | undefined>,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 10_000; guard++) {
    const { status, body } = await api.get<{ items: T[]; nextCursor: string | null }>(path, {
      ...query,
      cursor,
    });
    if (status !== 200) throw new Error(`${path} answered ${status}: ${JSON.stringify(body)}`);
    items.push(...body.items);
    if (body.nextCursor === null) return items;
    cursor = body.nextCursor;
  }
  throw new Error("too many pages");
}

/** The first number `pattern` captures in execlens' /metrics text (0 when the series is absent). */
export async function metricValue(apiUrl: string, pattern: RegExp): Promise<number> {
  const text = await (await fetch(`${apiUrl}/metrics`)).text();
  return Number(pattern.exec(text)?.[1] ?? 0);
}
