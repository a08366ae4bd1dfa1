//! Requests as one kind of caller: `app.anon()`, or `app.as_(&token)` for a
//! user's or a partner's access token (`as` is a keyword).
//!
//! ```text
//! app.as_(&token).get("/api/v1/auth/me").await                  // Response
//! app.as_(&token).put(&path, &body).header("If-Match", "\"1\"").await
//! app.as_(&token).post(&path, &body).ok().await                 // 2xx, JSON body
//! app.anon().get(&path).expect(404).await                       // that status, body
//! ```

use std::future::{Future, IntoFuture};
use std::pin::Pin;

use reqwest::{Method, RequestBuilder, Response};
use serde_json::Value;

use crate::world::Account;
use crate::TestApp;

/// Who calls: nobody, or the holder of a bearer token.
pub struct Caller<'a> {
    app: &'a TestApp,
    token: Option<String>,
}

impl TestApp {
    /// Calls without credentials.
    pub fn anon(&self) -> Caller<'_> {
        Caller {
            app: self,
            token: None,
        }
    }

    /// Calls with `Authorization: Bearer <token>` (a user's or a partner's).
    pub fn as_(&self, token: &str) -> Caller<'_> {
        Caller {
            app: self,
            token: Some(token.to_string()),
        }
    }

    /// Calls as an account of the world: with its token, or anonymously
    /// for the account that has none.
    pub fn as_account(&self, account: &Account) -> Caller<'_> {
        Caller {
            app: self,
            token: account.token.clone(),
        }
    }
}

impl Caller<'_> {
    /// A request to build further (multipart, streamed bodies, timeouts).
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let req = self.app.client.request(method, self.app.url(path));
        match &self.token {
            Some(token) => req.bearer_auth(token),
            None => req,
        }
    }

    /// A call with an optional JSON body, for tables of routes.
    pub fn call(&self, method: Method, path: &str, body: Option<&Value>) -> Call {
        let what = format!("{method} {path}");
        let mut req = self.request(method, path);
        if let Some(body) = body {
            req = req.json(body);
        }
        Call { req, what }
    }

    pub fn get(&self, path: &str) -> Call {
        self.call(Method::GET, path, None)
    }

    pub fn delete(&self, path: &str) -> Call {
        self.call(Method::DELETE, path, None)
    }

    pub fn post(&self, path: &str, body: &Value) -> Call {
        self.call(Method::POST, path, Some(body))
    }

    /// A POST without a body (the actions: submit, verify, …).
    pub fn post_empty(&self, path: &str) -> Call {
        self.call(Method::POST, path, None)
    }

    /// A POST of `body` as it is, with `content_type`.
    pub fn post_raw(&self, path: &str, content_type: &str, body: impl Into<reqwest::Body>) -> Call {
        self.call(Method::POST, path, None).raw(content_type, body)
    }

    pub fn put(&self, path: &str, body: &Value) -> Call {
        self.call(Method::PUT, path, Some(body))
    }

    pub fn patch(&self, path: &str, body: &Value) -> Call {
        self.call(Method::PATCH, path, Some(body))
    }
}

/// A request ready to send: awaiting it answers the response.
pub struct Call {
    req: RequestBuilder,
    /// `METHOD path`, for failure messages.
    what: String,
}

impl Call {
    pub fn header(mut self, name: &str, value: impl AsRef<str>) -> Call {
        self.req = self.req.header(name, value.as_ref());
        self
    }

    /// Sends `body` as it is, with `content_type`.
    pub fn raw(mut self, content_type: &str, body: impl Into<reqwest::Body>) -> Call {
        self.req = self.req.header("Content-Type", content_type).body(body);
        self
    }

    pub async fn send(self) -> Response {
        let what = self.what;
        self.req
            .send()
            .await
            .unwrap_or_else(|e| panic!("{what}: request failed: {e}"))
    }

    /// Asserts a 2xx and answers the JSON body (`null` only for a 204).
    pub async fn ok(self) -> Value {
        let what = self.what.clone();
        let res = self.send().await;
        let status = res.status();
        let text = res.text().await.expect("a response body");
        assert!(status.is_success(), "{what}: {status}: {text}");
        if text.is_empty() && status == 204 {
            return Value::Null;
        }
        serde_json::from_str(&text).unwrap_or_else(|e| {
            panic!("{what}: {status} with a body that is not JSON ({e}): {text}")
        })
    }

    /// Asserts `status` and answers the body: JSON, or `null` when empty.
    pub async fn expect(self, status: u16) -> Value {
        let what = self.what.clone();
        let res = self.send().await;
        let got = res.status().as_u16();
        let text = res.text().await.expect("a response body");
        assert_eq!(got, status, "{what}: {text}");
        if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{what}: a body that is not JSON ({e}): {text}"))
        }
    }

    /// The whole answer, to compare with another (replays of a request).
    pub async fn answer(self) -> Answer {
        let res = self.send().await;
        let header = |name: &str| {
            res.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let replayed = header("idempotent-replayed");
        let location = header("location");
        let content_type = header("content-type").unwrap_or_default();
        let status = res.status().as_u16();
        let text = res.text().await.expect("a response body");
        Answer {
            status,
            replayed,
            location,
            content_type,
            body: serde_json::from_str(&text).unwrap_or(Value::Null),
        }
    }

    /// The status and the body: JSON, or `null` when it is not.
    pub async fn status_and_json(self) -> (u16, Value) {
        let res = self.send().await;
        let status = res.status().as_u16();
        let text = res.text().await.expect("a response body");
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }
}

/// An answer read in full.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub status: u16,
    /// `Idempotent-Replayed`.
    pub replayed: Option<String>,
    pub location: Option<String>,
    pub content_type: String,
    /// JSON, or `null` when the body is not.
    pub body: Value,
}

impl Answer {
    /// The body without `request_id`, which names the request, not the answer.
    pub fn content(&self) -> Value {
        let mut body = self.body.clone();
        if let Some(obj) = body.as_object_mut() {
            obj.remove("request_id");
        }
        body
    }
}

impl IntoFuture for Call {
    type Output = Response;
    type IntoFuture = Pin<Box<dyn Future<Output = Response> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
