//! Logging set-up. `RUST_LOG` filters (default `info`); `OPOP_LOG_FORMAT=json`
//! gives one JSON object a line for log collectors.
//!
//! In JSON, every line logged while a request is being served, whether by
//! the middleware, a handler or domain code however deeply nested in spans,
//! carries that request's id at the top-level key `request_id` (the id sent
//! as `X-Request-Id` and put in error bodies), so one search finds all of a
//! request's lines. tracing-subscriber's own JSON format would put it inside
//! a `span` or `spans` object whose shape depends on nesting, hence the small
//! formatter here.

use std::fmt;

use serde_json::{Map, Value};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::format::{JsonFields, Writer};
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields, MakeWriter};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt as tfmt, EnvFilter, Layer};

/// The span field holding the request id (tracing-actix-web's root span).
const REQUEST_ID: &str = "request_id";

/// Installs the subscriber. Lines are handed to a thread of their own that
/// writes them in batches (one system call per few kilobytes instead of one
/// per line, which on a catalogue read cost a quarter of its time, see
/// `docs/performance.md`); a full queue makes the request wait rather than
/// lose a line. Keep the answer until the process ends: dropping it writes
/// what is queued.
pub fn init() -> tracing_appender::non_blocking::WorkerGuard {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let json = std::env::var("OPOP_LOG_FORMAT").is_ok_and(|v| v == "json");
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(false)
        .thread_name("opop-log")
        .finish(std::io::BufWriter::new(std::io::stdout()));
    // `try_init`: a second initialisation (tests) is not an error worth failing on.
    if json {
        let _ = tracing_subscriber::registry()
            .with(filter)
            .with(json_layer(writer))
            .try_init();
    } else {
        let _ = tfmt()
            .with_env_filter(filter)
            .with_target(false)
            .with_writer(writer)
            .compact()
            .try_init();
    }
    guard
}

/// The JSON log layer (with [`RequestIdLayer`], which it needs), writing to `writer`.
pub fn json_layer<S, W>(writer: W) -> impl Layer<S>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    RequestIdLayer.and_then(
        tfmt::layer()
            .event_format(JsonLines)
            .fmt_fields(JsonFields::new())
            .with_writer(writer),
    )
}

/// The request id a span carries, kept in the span's extensions.
struct SpanRequestId(String);

/// Remembers the `request_id` field of any span that has one.
pub struct RequestIdLayer;

impl<S> Layer<S> for RequestIdLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut found = FindRequestId(None);
        attrs.record(&mut found);
        if let (Some(value), Some(span)) = (found.0, ctx.span(id)) {
            span.extensions_mut().insert(SpanRequestId(value));
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let mut found = FindRequestId(None);
        values.record(&mut found);
        if let (Some(value), Some(span)) = (found.0, ctx.span(id)) {
            span.extensions_mut().replace(SpanRequestId(value));
        }
    }
}

struct FindRequestId(Option<String>);

impl Visit for FindRequestId {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == REQUEST_ID {
            self.0 = Some(value.to_string());
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == REQUEST_ID {
            self.0 = Some(format!("{value:?}"));
        }
    }
}

/// One JSON object a line: `timestamp`, `level`, `target`, `request_id`
/// (when inside a request), `span` (the innermost span's name), `message`
/// and the event's own fields.
pub struct JsonLines;

impl<S, N> FormatEvent<S, N> for JsonLines
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let meta = event.metadata();
        let mut line = Map::new();
        line.insert(
            "timestamp".into(),
            chrono::Utc::now()
                .to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
                .into(),
        );
        line.insert("level".into(), meta.level().as_str().into());
        line.insert("target".into(), meta.target().into());
        if let Some(scope) = ctx.event_scope() {
            let mut innermost = None;
            for span in scope {
                if innermost.is_none() {
                    innermost = Some(span.name());
                }
                if let Some(id) = span.extensions().get::<SpanRequestId>() {
                    line.insert(REQUEST_ID.into(), id.0.clone().into());
                    break;
                }
            }
            if let Some(name) = innermost {
                line.insert("span".into(), name.into());
            }
        }
        event.record(&mut JsonVisitor(&mut line));
        writeln!(writer, "{}", Value::Object(line))
    }
}

struct JsonVisitor<'a>(&'a mut Map<String, Value>);

impl JsonVisitor<'_> {
    fn put(&mut self, field: &Field, value: Value) {
        // An event field must not hide the line's own keys.
        let name = match field.name() {
            n @ ("timestamp" | "level" | "target" | "span" | REQUEST_ID) => format!("field.{n}"),
            n => n.to_string(),
        };
        self.0.insert(name, value);
    }
}

impl Visit for JsonVisitor<'_> {
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.put(field, value.into());
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.put(field, value.into());
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.put(field, value.into());
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.put(field, value.into());
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.put(field, value.into());
    }
    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.put(field, value.to_string().into());
    }
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.put(field, format!("{value:?}").into());
    }
}

/// The root span of every request: tracing-actix-web's default, without
/// the query string. Queries carry what people search for (a santri's
/// name in `?q=`), and personal data stays out of the logs (UU 27/2022).
pub struct RootSpan;

impl tracing_actix_web::RootSpanBuilder for RootSpan {
    fn on_request_start(request: &actix_web::dev::ServiceRequest) -> tracing::Span {
        use actix_web::HttpMessage;
        let request_id = request
            .extensions()
            .get::<tracing_actix_web::RequestId>()
            .map(|id| id.to_string())
            .unwrap_or_default();
        let route = request.match_pattern().unwrap_or_else(|| "default".into());
        tracing::info_span!(
            "HTTP request",
            http.method = %request.method(),
            http.route = %route,
            http.target = %request.path(),
            http.status_code = tracing::field::Empty,
            otel.status_code = tracing::field::Empty,
            request_id = %request_id,
            exception.message = tracing::field::Empty,
            exception.details = tracing::field::Empty,
        )
    }

    /// The access line itself is written by `metrics::record`, inside
    /// this span: one line a request.
    fn on_request_end<B: actix_web::body::MessageBody>(
        span: tracing::Span,
        outcome: &Result<actix_web::dev::ServiceResponse<B>, actix_web::Error>,
    ) {
        tracing_actix_web::DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl Write for Buffer {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn lines(buffer: &Buffer) -> Vec<Value> {
        let bytes = buffer.0.lock().unwrap().clone();
        String::from_utf8(bytes)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    #[test]
    fn every_line_inside_a_request_carries_its_id_at_the_top_level() {
        let buffer = Buffer::default();
        let writer = buffer.clone();
        let subscriber = tracing_subscriber::registry().with(json_layer(move || writer.clone()));
        tracing::subscriber::with_default(subscriber, || {
            tracing::info!("before any request");
            // The shape of tracing-actix-web's root span.
            let root = tracing::info_span!(
                "HTTP request",
                http.method = "GET",
                request_id = %"4b9c1f0e-0000-4000-8000-000000000001",
            );
            let _root = root.enter();
            tracing::info!("in a handler");
            let domain = tracing::info_span!("publish", product = 7);
            let _domain = domain.enter();
            tracing::warn!(count = 3, request_id = "forged", "deep in domain code");
        });
        let lines = lines(&buffer);
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert!(lines[0].get("request_id").is_none());
        assert_eq!(lines[0]["message"], "before any request");
        for line in &lines[1..] {
            assert_eq!(line["request_id"], "4b9c1f0e-0000-4000-8000-000000000001");
            assert!(line["timestamp"].is_string());
        }
        assert_eq!(lines[2]["level"], "WARN");
        assert_eq!(lines[2]["span"], "publish");
        assert_eq!(lines[2]["count"], 3);
        assert_eq!(lines[2]["field.request_id"], "forged");
        assert_eq!(lines[2]["message"], "deep in domain code");
    }

    /// The request span's fields are printed with every line logged inside
    /// a request (the default format); the query is not among them.
    #[actix_web::test]
    async fn the_request_span_keeps_the_query_string_out_of_the_logs() {
        use actix_web::{test, web, App, HttpResponse};
        let buffer = Buffer::default();
        let writer = buffer.clone();
        let subscriber = tfmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .compact()
            .finish();
        let _guard = tracing::subscriber::set_default(subscriber);
        let app = test::init_service(
            App::new()
                .wrap(actix_web::middleware::from_fn(crate::metrics::record))
                .wrap(tracing_actix_web::TracingLogger::<RootSpan>::new())
                .route(
                    "/api/v1/pesantren/{id}/santri",
                    web::get().to(|| async {
                        tracing::warn!("listing santri");
                        HttpResponse::Ok().finish()
                    }),
                ),
        )
        .await;
        let req = test::TestRequest::get()
            .uri("/api/v1/pesantren/7/santri?q=Zulaikha%20Quenvarisma")
            .to_request();
        assert!(test::call_service(&app, req).await.status().is_success());
        let text = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
        assert!(text.contains("listing santri"), "{text}");
        // The one access-log line: route template, status, caller.
        let access: Vec<&str> = text
            .lines()
            .filter(|l| l.contains("opop::access"))
            .collect();
        assert_eq!(access.len(), 1, "{text}");
        assert!(access[0].contains("status=200"), "{text}");
        assert!(access[0].contains("caller=\"-\""), "{text}");
        assert!(
            access[0].contains("route=\"/api/v1/pesantren/{id}/santri\""),
            "{text}"
        );
        assert!(
            text.contains("http.route=/api/v1/pesantren/{id}/santri"),
            "{text}"
        );
        assert!(
            text.contains("http.target=/api/v1/pesantren/7/santri"),
            "{text}"
        );
        assert!(text.contains("request_id="), "{text}");
        assert!(!text.contains("Zulaikha") && !text.contains("q="), "{text}");
    }
}
