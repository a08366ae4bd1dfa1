//! The address guard of webhook targets, against server-side request
//! forgery: https only, and never an address that is loopback, private,
//! link-local, CGNAT, multicast and the like (unless
//! `OPOP_WEBHOOK_ALLOW_PRIVATE`), both when the URL is registered
//! ([`check_target`]) and, through the delivery client's resolver, at
//! every connection, so a name re-pointed after registration (DNS
//! rebinding) is refused too.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use super::failure::{ForbiddenAddress, NameNotResolved};
use crate::error::{FieldCode, FieldError};

/// Longest URL accepted.
const MAX_URL_LEN: usize = 500;
/// How long a name may take to resolve when a URL is registered.
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(5);

/// Whether a webhook may never be sent to `ip` (unless private targets are
/// allowed): loopback, unspecified, "this network", link-local, private
/// (RFC 1918, fc00::/7), CGNAT (100.64/10), multicast, broadcast and the
/// other reserved ranges; IPv4 addresses embedded in IPv6 (mapped, NAT64,
/// 6to4) are judged as IPv4.
pub fn is_forbidden(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => forbidden_v6(v6),
    }
}

fn forbidden_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_broadcast()
        || a == 0 // "this network"
        || (a == 100 && (64..128).contains(&b)) // CGNAT 100.64.0.0/10
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 240 // reserved
}

fn forbidden_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return forbidden_v4(v4);
    }
    let s = ip.segments();
    // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) carry an IPv4 address.
    if s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0] {
        return forbidden_v4(Ipv4Addr::new(
            (s[6] >> 8) as u8,
            s[6] as u8,
            (s[7] >> 8) as u8,
            s[7] as u8,
        ));
    }
    if s[0] == 0x2002 {
        return forbidden_v4(Ipv4Addr::new(
            (s[1] >> 8) as u8,
            s[1] as u8,
            (s[2] >> 8) as u8,
            s[2] as u8,
        ));
    }
    ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (s[0] & 0xfe00) == 0xfc00 // unique local fc00::/7
        || (s[0] & 0xffc0) == 0xfe80 // link-local fe80::/10
        || (s[0] & 0xffc0) == 0xfec0 // site-local fec0::/10 (deprecated)
        // IPv4-compatible ::a.b.c.d (deprecated)
        || (s[0..6] == [0, 0, 0, 0, 0, 0])
}

/// Why a URL cannot receive webhooks, as an error of the `url` field.
fn refused(code: FieldCode) -> FieldError {
    FieldError::new("url", code)
}

/// The URL, parsed, if its form is acceptable (scheme, host, no
/// credentials, and, for an IP literal, an allowed address). Names are
/// resolved by [`check_target`].
pub(super) fn parse_target(url: &str, allow_private: bool) -> Result<reqwest::Url, FieldError> {
    if url.len() > MAX_URL_LEN {
        return Err(refused(FieldCode::LengthMax).with("max", MAX_URL_LEN));
    }
    let parsed =
        reqwest::Url::parse(url.trim()).map_err(|_| refused(FieldCode::WebhookUrlAbsolute))?;
    match parsed.scheme() {
        "https" => {}
        "http" if allow_private => {}
        _ => return Err(refused(FieldCode::WebhookUrlScheme)),
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(refused(FieldCode::WebhookUrlCredentials));
    }
    let Some(host) = parsed.host_str() else {
        return Err(refused(FieldCode::WebhookUrlHost));
    };
    if let Ok(ip) = host.trim_matches(['[', ']']).parse::<IpAddr>() {
        if !allow_private && is_forbidden(ip) {
            return Err(refused(FieldCode::WebhookUrlAddress));
        }
    }
    Ok(parsed)
}

/// Checks a URL as a webhook target: its form, then every address its host
/// resolves to. A host that does not resolve is refused too: nothing could
/// be delivered to it.
pub async fn check_target(url: &str, allow_private: bool) -> Result<reqwest::Url, FieldError> {
    let parsed = parse_target(url, allow_private)?;
    let host = parsed
        .host_str()
        .unwrap_or_default()
        .trim_matches(['[', ']']);
    if host.parse::<IpAddr>().is_ok() {
        return Ok(parsed);
    }
    let port = parsed.port_or_known_default().unwrap_or(443);
    let unresolvable = || refused(FieldCode::WebhookUrlUnresolvable);
    let addrs: Vec<SocketAddr> =
        match tokio::time::timeout(RESOLVE_TIMEOUT, tokio::net::lookup_host((host, port))).await {
            Ok(Ok(addrs)) => addrs.collect(),
            _ => return Err(unresolvable()),
        };
    if addrs.is_empty() {
        return Err(unresolvable());
    }
    if !allow_private && addrs.iter().any(|a| is_forbidden(a.ip())) {
        return Err(refused(FieldCode::WebhookUrlResolvesPrivate));
    }
    Ok(parsed)
}

/// The resolver of the delivery client: the system's, refusing any name
/// that resolves to a forbidden address at connection time.
pub(super) struct GuardedResolver {
    pub allow_private: bool,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow_private = self.allow_private;
        let host = name.as_str().to_string();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await
                .map_err(NameNotResolved)?
                .collect();
            if !allow_private && addrs.iter().any(|a| is_forbidden(a.ip())) {
                return Err(ForbiddenAddress.into());
            }
            let addrs: reqwest::dns::Addrs = Box::new(addrs.into_iter());
            Ok(addrs)
        })
    }
}

/// Makes ring the process's default rustls provider, once. Every TLS
/// client of the server (webhooks, the database, the object store) uses
/// ring; reqwest is built without a provider of its own, so a client built
/// without a preconfigured TLS setup (as the test harness builds one) needs
/// this default.
pub fn install_crypto_provider() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // Fails only when another provider was installed first; that one
        // stays.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// The HTTP client deliveries go out with: rustls (ring) verifying against
/// the system's trust store (as curl does), HTTP/1.1, no redirects, no
/// proxy, the guarded resolver.
pub fn client(allow_private: bool, timeout: Duration) -> anyhow::Result<reqwest::Client> {
    use rustls_platform_verifier::BuilderVerifierExt;
    install_crypto_provider();
    let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()?
    .with_platform_verifier()?
    .with_no_client_auth();
    Ok(reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .dns_resolver(GuardedResolver { allow_private })
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(5)))
        .user_agent(concat!("OPOP-Webhooks/", env!("CARGO_PKG_VERSION")))
        .build()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_reserved_addresses_are_forbidden() {
        for ip in [
            "127.0.0.1",
            "0.0.0.0",
            "10.0.0.1",
            "172.16.5.4",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.254",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fe80::1",
            "fc00::1",
            "fd12:3456::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.1.2.3",
            "64:ff9b::a00:1",
            "2002:c0a8:101::1",
        ] {
            assert!(is_forbidden(ip.parse().unwrap()), "{ip} must be forbidden");
        }
        for ip in [
            "8.8.8.8",
            "1.1.1.1",
            "100.128.0.1",
            "172.32.0.1",
            "2606:4700:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert!(!is_forbidden(ip.parse().unwrap()), "{ip} must be allowed");
        }
    }

    #[test]
    fn urls_are_judged_by_form_before_resolution() {
        let refused = |u: &str| parse_target(u, false).unwrap_err().code.wire();
        assert_eq!(refused("http://hooks.example.com/x"), "scheme");
        assert_eq!(refused("ftp://hooks.example.com/x"), "scheme");
        assert_eq!(refused("not a url"), "format");
        assert_eq!(refused("https://user:pw@hooks.example.com/x"), "format");
        assert_eq!(refused("https://10.0.0.1/x"), "address");
        assert_eq!(refused("https://[::1]/x"), "address");
        assert!(parse_target("https://hooks.example.com/x", false).is_ok());
        assert!(parse_target("http://127.0.0.1:9000/x", true).is_ok());
    }

    #[tokio::test]
    async fn the_delivery_resolver_refuses_names_of_private_addresses() {
        use reqwest::dns::Resolve;
        let strict = GuardedResolver {
            allow_private: false,
        };
        let name: reqwest::dns::Name = "localhost".parse().unwrap();
        assert!(strict.resolve(name).await.is_err());
        let lax = GuardedResolver {
            allow_private: true,
        };
        let name: reqwest::dns::Name = "localhost".parse().unwrap();
        assert!(lax.resolve(name).await.unwrap().next().is_some());
    }
}
