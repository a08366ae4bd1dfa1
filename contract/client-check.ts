// Compiled by `contract/run` with `tsc --noEmit` against the types that
// openapi-typescript generates from openapi/openapi.json: what a frontend
// team would write first. A change to the document that breaks this code
// (a renamed field, a changed type, a missing operation) fails CI.
import type { components, operations, paths } from "./generated/opop";

type Schemas = components["schemas"];
export type Problem = Schemas["Problem"];
export type CatalogProduct = Schemas["CatalogProduct"];

/** The body of `GET /api/v1/catalog/products`, 200. */
export type CatalogPage =
  paths["/api/v1/catalog/products"]["get"]["responses"][200]["content"]["application/json"];
export type CatalogQuery = NonNullable<
  paths["/api/v1/catalog/products"]["get"]["parameters"]["query"]
>;
export type LoginBody =
  operations["create_session"]["requestBody"]["content"]["application/json"];
export type LoginAnswer =
  operations["create_session"]["responses"][200]["content"]["application/json"];
export type NotFound =
  paths["/api/v1/catalog/products/{id}"]["get"]["responses"][404]["content"]["application/problem+json"];

/** One catalogue card: the fields a product list shows. */
export function card(product: CatalogProduct): string {
  const price = new Intl.NumberFormat("id-ID", { style: "currency", currency: "IDR" }).format(
    product.price_idr,
  );
  const halal = product.certifications.some((c) => c.type === "halal") ? " (halal)" : "";
  return `${product.name} — ${price}${halal}, ${product.pesantren.name}`;
}

/** Every card of a page, and the query for the next one. */
export function nextPage(
  page: CatalogPage,
  query: CatalogQuery,
): { cards: string[]; next?: CatalogQuery } {
  const cards = page.data.map(card);
  return page.next_cursor ? { cards, next: { ...query, cursor: page.next_cursor } } : { cards };
}

/** What to show a person for an error response. */
export function explain(problem: Problem | NotFound): string {
  const fields = (problem.errors ?? []).map((e) => `${e.field}: ${e.message}`);
  const reference = problem.request_id ? ` (reference ${problem.request_id})` : "";
  return [`${problem.title}: ${problem.detail}${reference}`, ...fields].join("\n");
}

export function loginBody(email: string, password: string): LoginBody {
  return { email, password };
}

export function bearer(answer: LoginAnswer): string {
  return `Bearer ${answer.access_token}`;
}

// The generated types must reject what the document does not allow.
// @ts-expect-error `status` is a number in a problem.
export const badProblem: Problem = { type: "x", title: "x", status: "404", detail: "x" };
// @ts-expect-error a login needs a password.
export const badLogin: LoginBody = { email: "admin@opop.local" };
