//! Why a delivery failed, in categories fixed in advance (issue 17,
//! finding 10). The error chain of the HTTP client named the TLS library,
//! the resolver, the operating system's error numbers and the addresses it
//! tried: internals of this server that a partner cannot act on and an
//! attacker can map the network with. What is stored and answered is the
//! category (and the status a receiver answered); the chain goes to the
//! server's log only.

use serde::Serialize;
use utoipa::ToSchema;

/// What went wrong with the last delivery attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// The URL is no longer allowed (not https, or a forbidden address).
    UrlRefused,
    /// The endpoint's host name does not resolve.
    NameNotResolved,
    /// The host name resolves to a loopback, private or link-local address.
    ForbiddenAddress,
    /// No connection could be made (refused, unreachable, reset).
    Connect,
    /// The TLS handshake failed: a certificate not trusted, expired or for
    /// another name, or an endpoint that does not speak TLS.
    Tls,
    /// No answer within the delivery timeout.
    Timeout,
    /// The endpoint answered with a status other than 2xx.
    HttpStatus,
    /// The endpoint's answer was not valid HTTP.
    Protocol,
    /// Anything else (recorded before these categories existed, or an
    /// error on this server's side).
    Other,
}

/// One failed attempt: its category, and the status for `HttpStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failure {
    pub kind: FailureKind,
    pub status: Option<u16>,
}

/// Refusal of the delivery client's resolver: the name resolves to a
/// forbidden address.
#[derive(Debug)]
pub struct ForbiddenAddress;

impl std::fmt::Display for ForbiddenAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the host resolves to a forbidden address")
    }
}

impl std::error::Error for ForbiddenAddress {}

/// The resolver found no address for the name.
#[derive(Debug)]
pub struct NameNotResolved(pub std::io::Error);

impl std::fmt::Display for NameNotResolved {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the host name does not resolve: {}", self.0)
    }
}

impl std::error::Error for NameNotResolved {}

impl Failure {
    pub const fn of(kind: FailureKind) -> Self {
        Self { kind, status: None }
    }

    pub const fn status(status: u16) -> Self {
        Self {
            kind: FailureKind::HttpStatus,
            status: Some(status),
        }
    }

    /// The category of a client error, judged by the types in its chain,
    /// never by its wording.
    pub fn classify(e: &reqwest::Error) -> Self {
        if e.is_timeout() {
            return Self::of(FailureKind::Timeout);
        }
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
        while let Some(s) = source {
            if s.is::<ForbiddenAddress>() {
                return Self::of(FailureKind::ForbiddenAddress);
            }
            if s.is::<NameNotResolved>() {
                return Self::of(FailureKind::NameNotResolved);
            }
            if s.is::<rustls::Error>() {
                return Self::of(FailureKind::Tls);
            }
            // An I/O error's `source` skips the error it wraps, and the TLS
            // stream wraps rustls' errors in I/O errors (two deep).
            source = match s
                .downcast_ref::<std::io::Error>()
                .and_then(|io| io.get_ref())
            {
                Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
                None => s.source(),
            };
        }
        if e.is_connect() {
            Self::of(FailureKind::Connect)
        } else if e.is_request() || e.is_body() || e.is_decode() {
            Self::of(FailureKind::Protocol)
        } else {
            Self::of(FailureKind::Other)
        }
    }

    /// As kept in `webhooks.last_error`: the category's name, with the
    /// status after a colon (`http_status:503`).
    pub fn stored(&self) -> String {
        match self.status {
            Some(status) => format!("{}:{status}", self.kind.name()),
            None => self.kind.name().to_string(),
        }
    }

    /// Reads [`Failure::stored`]; texts written before the categories are
    /// `Other`, so no raw chain from then is answered either.
    pub fn parse(stored: &str) -> Self {
        let (name, status) = match stored.split_once(':') {
            Some((name, status)) => (name, status.parse().ok()),
            None => (stored, None),
        };
        match FailureKind::ALL.iter().find(|k| k.name() == name) {
            Some(&FailureKind::HttpStatus) => match status {
                Some(status) => Self::status(status),
                None => Self::of(FailureKind::Other),
            },
            Some(&kind) if status.is_none() => Self::of(kind),
            _ => Self::of(FailureKind::Other),
        }
    }

    /// The sentence answered beside the category.
    pub fn text(&self) -> String {
        match (self.kind, self.status) {
            (FailureKind::HttpStatus, Some(status)) => {
                format!("the endpoint answered HTTP {status}")
            }
            (kind, _) => kind.text().to_string(),
        }
    }
}

impl FailureKind {
    const ALL: [FailureKind; 9] = [
        Self::UrlRefused,
        Self::NameNotResolved,
        Self::ForbiddenAddress,
        Self::Connect,
        Self::Tls,
        Self::Timeout,
        Self::HttpStatus,
        Self::Protocol,
        Self::Other,
    ];

    /// The name on the wire and in the database.
    pub fn name(self) -> &'static str {
        match self {
            Self::UrlRefused => "url_refused",
            Self::NameNotResolved => "name_not_resolved",
            Self::ForbiddenAddress => "forbidden_address",
            Self::Connect => "connect",
            Self::Tls => "tls",
            Self::Timeout => "timeout",
            Self::HttpStatus => "http_status",
            Self::Protocol => "protocol",
            Self::Other => "other",
        }
    }

    fn text(self) -> &'static str {
        match self {
            Self::UrlRefused => "the URL is refused: it must be https and resolve to public addresses",
            Self::NameNotResolved => "the endpoint's host name does not resolve",
            Self::ForbiddenAddress => {
                "the endpoint's host name resolves to a forbidden address (loopback, private or link-local)"
            }
            Self::Connect => "cannot connect to the endpoint",
            Self::Tls => "the TLS handshake with the endpoint failed (its certificate is not trusted, has expired or names another host, or it does not speak TLS)",
            Self::Timeout => "the endpoint did not answer in time",
            Self::HttpStatus => "the endpoint answered with a status other than 2xx",
            Self::Protocol => "the endpoint's answer was not valid HTTP",
            Self::Other => "the delivery failed",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_reads_back_as_stored_and_old_texts_read_as_other() {
        for kind in FailureKind::ALL {
            let failure = if kind == FailureKind::HttpStatus {
                Failure::status(503)
            } else {
                Failure::of(kind)
            };
            assert_eq!(Failure::parse(&failure.stored()), failure);
            assert_eq!(
                serde_json::to_value(kind).unwrap(),
                serde_json::json!(kind.name())
            );
        }
        let old = "cannot connect to the endpoint (error sending request: client error (Connect): tcp connect error: Connection refused (os error 111))";
        assert_eq!(Failure::parse(old), Failure::of(FailureKind::Other));
        assert_eq!(
            Failure::parse("http_status"),
            Failure::of(FailureKind::Other)
        );
        assert_eq!(Failure::parse("tls:1"), Failure::of(FailureKind::Other));
        assert_eq!(
            Failure::status(500).text(),
            "the endpoint answered HTTP 500"
        );
    }
}
