//! How every documented route is registered: [`op`].
//!
//! A route is a handler function documented with `#[utoipa::path(method,
//! path = ...)]` and registered with `op(handler, __path_handler)`. Its
//! first argument is its guard (`auth::policy::RouteGuard`): `op` admits the
//! caller with it before extracting anything else, and writes the
//! operation's `security` in the document from it. A handler without a
//! guard first does not compile, so no route can be added without deciding
//! who may call it.

use std::marker::PhantomData;

use actix_web::dev::{AppService, HttpServiceFactory};
use actix_web::http::Method;
use actix_web::{guard, web, FromRequest, Handler, HttpRequest, HttpResponse, Responder};
use utoipa::openapi::path::{HttpMethod, PathItem, Paths};
use utoipa::openapi::security::SecurityRequirement;
use utoipa_actix_web::OpenApiFactory;

use crate::auth::policy::{RouteGuard, BEARER};

/// The guard of a handler: the type of its first argument.
pub trait Guarded {
    type Guard: RouteGuard;
}

macro_rules! guarded {
    ($($rest:ident),*) => {
        impl<G: RouteGuard, $($rest),*> Guarded for (G, $($rest,)*) {
            type Guard = G;
        }
    };
}

guarded!();
guarded!(A);
guarded!(A, B);
guarded!(A, B, C);
guarded!(A, B, C, D);
guarded!(A, B, C, D, E);
guarded!(A, B, C, D, E, F);
guarded!(A, B, C, D, E, F, G2);

/// A documented route: its handler and its `#[utoipa::path]` description.
pub struct Op<F, Args, D> {
    handler: F,
    _types: PhantomData<fn() -> (Args, D)>,
}

/// Registers `handler` as documented by `doc` (the `__path_<handler>` type
/// that `#[utoipa::path]` generates).
pub fn op<F, Args, D>(handler: F, _doc: D) -> Op<F, Args, D>
where
    F: Handler<Args>,
    Args: FromRequest + Guarded + 'static,
    F::Output: Responder + 'static,
    D: utoipa::Path,
{
    Op {
        handler,
        _types: PhantomData,
    }
}

fn actix_method(m: &HttpMethod) -> Method {
    match m {
        HttpMethod::Get => Method::GET,
        HttpMethod::Post => Method::POST,
        HttpMethod::Put => Method::PUT,
        HttpMethod::Delete => Method::DELETE,
        HttpMethod::Options => Method::OPTIONS,
        HttpMethod::Head => Method::HEAD,
        HttpMethod::Patch => Method::PATCH,
        HttpMethod::Trace => Method::TRACE,
    }
}

impl<F, Args, D> HttpServiceFactory for Op<F, Args, D>
where
    F: Handler<Args>,
    Args: FromRequest + Guarded + 'static,
    F::Output: Responder + 'static,
    D: utoipa::Path + 'static,
{
    fn register(self, config: &mut AppService) {
        let handler = self.handler;
        let methods: Vec<Method> = D::methods().iter().map(actix_method).collect();
        let route = web::route().to(move |req: HttpRequest, payload: web::Payload| {
            let handler = handler.clone();
            async move {
                // The guard first: a caller who may not call the route gets
                // its 401, 403 or 429 before any body or parameter is read.
                <Args::Guard as RouteGuard>::admit(&req).await?;
                let mut payload = payload.into_inner();
                let args = Args::from_request(&req, &mut payload)
                    .await
                    .map_err(Into::into)?;
                let res: HttpResponse = handler
                    .call(args)
                    .await
                    .respond_to(&req)
                    .map_into_boxed_body();
                Ok::<HttpResponse, actix_web::Error>(res)
            }
        });
        // A resource guard, not a route guard: a path served by several
        // resources (one per method) is tried by each in turn, and one that
        // serves no method of the request answers 405 (`http::unmatched`).
        let any = methods
            .iter()
            .skip(1)
            .fold(guard::Any(guard::Method(methods[0].clone())), |any, m| {
                any.or(guard::Method(m.clone()))
            });
        web::resource(D::path())
            .guard(any)
            .route(route)
            .register(config);
    }
}

/// The `security` of an operation whose guard is `G`.
pub fn security<G: RouteGuard>() -> Vec<SecurityRequirement> {
    let mut out = Vec::new();
    if G::ANONYMOUS {
        out.push(SecurityRequirement::default());
    }
    if !G::ROLES.is_empty() {
        out.push(SecurityRequirement::new(BEARER, G::ROLES.iter().copied()));
    }
    out
}

impl<F, Args, D> OpenApiFactory for Op<F, Args, D>
where
    Args: Guarded,
    D: utoipa::Path + utoipa::__dev::SchemaReferences + for<'t> utoipa::__dev::Tags<'t>,
{
    fn paths(&self) -> Paths {
        let mut operation = D::operation();
        let tags = D::tags();
        if !tags.is_empty() {
            operation
                .tags
                .get_or_insert_with(Vec::new)
                .extend(tags.into_iter().map(str::to_string));
        }
        operation.security = Some(security::<Args::Guard>());
        D::methods()
            .into_iter()
            .fold(Paths::builder(), |paths, method| {
                paths.path(D::path(), PathItem::new(method, operation.clone()))
            })
            .build()
    }

    fn schemas(
        &self,
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        D::schemas(schemas);
    }
}
