//! The harness's own helpers (they live in the library, whose unit tests
//! would be one more executable linking the whole API).

use opop_tests::proxy::{authority, Proxy};
use opop_tests::{alone, databases_alive, replace_database, TestDatabase};

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
async fn a_test_alone_has_the_only_databases_and_may_make_several() {
    alone(async {
        let first = TestDatabase::create().await;
        let second = TestDatabase::create().await;
        assert_eq!(databases_alive(), 2, "another test has a database");
        drop((first, second));
    })
    .await;
}
