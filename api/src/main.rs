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
        _ => {}
    }
    opop_api::telemetry::init();
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
            opop_api::regions::service::report_unknown_codes(&db).await;
            tracing::info!("migrations applied");
        }
        Command::SeedDemo { scale } => {
            let db = opop_api::db::connect(&config).await?;
            opop_api::db::migrate(&db).await?;
            let summary = match scale {
                Some(scale) => opop_api::seed::seed_scale(&db, scale).await?,
                None => opop_api::seed::seed_demo(&db).await?,
            };
            println!("{summary}");
        }
        Command::Openapi | Command::ErrorCodes => unreachable!("handled above"),
    }
    Ok(())
}
