import { CursorError, type PageRequest } from "../../store/index.js";
import { ApiError } from "../errors.js";

/** The page a list request asks for. */
export function page(query: {
  sort: PageRequest["sort"];
  order: PageRequest["order"];
  limit: number;
  cursor?: string | undefined;
}): PageRequest {
  return {
    sort: query.sort,
    order: query.order,
    limit: query.limit,
    ...(query.cursor ? { cursor: query.cursor } : {}),
  };
}

/** Runs a list query; a cursor it cannot use is the client's error (400), not ours. */
export async function paged<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof CursorError)
      throw new ApiError("bad_request", `invalid query parameter(s): cursor: ${error.message}`);
    throw error;
  }
}
