//! The harness's own helpers and its gate (they live in the library, whose
//! unit tests would be one more executable linking the whole API).

use std::time::Duration;

use opop_tests::alone::Gate;
use opop_tests::proxy::{authority, Proxy};
use opop_tests::replace_database;
use tokio::time::timeout;

#[test]
fn database_name_is_replaced_in_a_url() {
    assert_eq!(
        replace_database("postgres://postgres@127.0.0.1:5432/test", "x"),
        "postgres://postgres@127.0.0.1:5432/x"
    );
    assert_eq!(
        replace_database("postgres://u:p@h/test?sslmode=disable", "x"),
        "postgres://u:p@h/x?sslmode=disable"
    );
}

#[test]
fn the_authority_of_a_url_is_found() {
    assert_eq!(
        authority("postgres://postgres@127.0.0.1:5432/test"),
        ("127.0.0.1".into(), 5432)
    );
    assert_eq!(authority("postgres://u:p@db/x?a=b"), ("db".into(), 5432));
}

#[tokio::test]
async fn a_url_is_rewritten_to_go_through_the_proxy() {
    let proxy = Proxy::start("127.0.0.1:9".parse().unwrap()).await;
    let port = proxy.port();
    assert_eq!(
        proxy.through("postgres://postgres@127.0.0.1:5432/db?sslmode=disable"),
        format!("postgres://postgres@127.0.0.1:{port}/db?sslmode=disable")
    );
    assert_eq!(
        proxy.through("postgres://u:p@h/db"),
        format!("postgres://u:p@127.0.0.1:{port}/db")
    );
}

#[tokio::test]
async fn a_test_alone_waits_for_the_others_turns_and_holds_back_new_ones() {
    let gate: &'static Gate = Box::leak(Box::new(Gate::new()));
    let pending = Duration::from_millis(50);
    let soon = Duration::from_secs(10);

    let a = gate.turn("a").await;
    let mut w = tokio::spawn(gate.alone("w"));
    assert!(timeout(pending, &mut w).await.is_err(), "w ran beside a");
    // A test holding a turn gets another while w waits (w waits for it) …
    let a2 = timeout(soon, gate.turn("a"))
        .await
        .expect("a is let in again");
    // … but a test holding none waits behind w.
    let mut b = tokio::spawn(async { gate.turn("b").await });
    assert!(timeout(pending, &mut b).await.is_err(), "b went before w");
    assert_eq!(gate.turns(), 2);

    drop((a, a2));
    let w = timeout(soon, w)
        .await
        .expect("w runs once a is done")
        .unwrap();
    // w makes databases of its own; b still waits.
    let w_turn = timeout(soon, gate.turn("w")).await.expect("w's own turn");
    assert!(timeout(pending, &mut b).await.is_err(), "b ran beside w");
    drop((w_turn, w));
    let b = timeout(soon, b).await.expect("b goes on after w").unwrap();
    assert_eq!(gate.turns(), 1);
    drop(b);
    assert_eq!(gate.turns(), 0);
}
