use clap::{Parser, Subcommand};
use opop_api::config::Config;
use opop_api::startup::Application;

/// The OPOP platform API server.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load the demo data set (pesantren, santri, koperasi, products,
    /// certifications, and a programme year: activities, deals, mentors,
    /// enterprises, targets).
    SeedDemo {
        /// Load instead a national-scale data set for load tests: at 1,
        /// 10,000 pesantren across the 38 provinces, 300,000 santri and
        /// 100,000 products (fractions allowed, e.g. 0.1).
        #[arg(long)]
        scale: Option<f64>,
    },
    /// Reseal every santri's NIK under OPOP_NIK_KEY: run after moving the
    /// old key to OPOP_NIK_PREVIOUS_KEYS and restarting every instance.
    RotateNikKey,
    /// Print a new random key for OPOP_NIK_KEY.
    NewNikKey,
    /// Print the OpenAPI document (as committed at openapi/openapi.json).
    Openapi,
    /// Print every error code with its texts (as committed at docs/errors.md).
    ErrorCodes,
}

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Openapi) => {
            print!("{}", opop_api::openapi::document_json()?);
            return Ok(());
        }
        Some(Command::ErrorCodes) => {
            print!("{}", opop_api::error::catalogue_markdown());
            return Ok(());
        }
        Some(Command::NewNikKey) => {
            println!("{}", opop_api::vault::generate_key());
            return Ok(());
        }
        _ => {}
    }
    let _log = opop_api::telemetry::init();
    let config = Config::from_env()?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let app = Application::build(config.clone()).await?;
            tracing::info!(bind = %config.bind, port = app.port(), "serving; documentation at /docs");
            app.run_until_stopped().await?;
            tracing::info!("stopped");
        }
        Command::Migrate => {
            let db = opop_api::db::connect(&config).await?;
            opop_api::db::migrate(&db).await?;
            opop_api::feed::read_model::fill_at_start(&db).await?;
            opop_api::santri::rotation::seal_legacy(&db, &config.nik_vault()?).await?;
            opop_api::regions::service::report_unknown_codes(&db).await;
            tracing::info!("migrations applied");
        }
        Command::SeedDemo { scale } => {
            let db = opop_api::db::connect(&config).await?;
            opop_api::db::migrate(&db).await?;
            let vault = config.nik_vault()?;
            let summary = match scale {
                Some(scale) => opop_api::seed::seed_scale(&db, scale, &vault).await?,
                None => opop_api::seed::seed_demo(&db, &vault).await?,
            };
            println!("{summary}");
        }
        Command::RotateNikKey => {
            let db = opop_api::db::connect(&config).await?;
            opop_api::db::migrate(&db).await?;
            let vault = config.nik_vault()?;
            opop_api::santri::rotation::seal_legacy(&db, &vault).await?;
            let (done, left) = opop_api::santri::rotation::rotate(&db, &vault).await?;
            println!(
                "{} NIKs resealed under key {}; {} changed meanwhile (already under the new key); {} still under an old key",
                done.rows,
                vault.current_key_id(),
                done.changed_meanwhile,
                left
            );
            if left > 0 {
                anyhow::bail!(
                    "{left} NIKs are still sealed under an old key: an instance without the new OPOP_NIK_KEY is still writing; restart it and run this again"
                );
            }
        }
        Command::Openapi | Command::ErrorCodes | Command::NewNikKey => {
            unreachable!("handled above")
        }
    }
    Ok(())
}
