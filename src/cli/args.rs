//! Command-line arguments (clap). Only parsing here; `cli::run` acts on them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "drx",
    version,
    about = "Multi-region disaster-recovery topologies on AWS, as a language",
    long_about = "drx reads a .drx file describing regions, replicated data, failover and recovery \
objectives, checks it against AWS's rules and the disaster-recovery rules, and plans and applies \
the AWS resources it needs.",
    after_help = "Examples:\n  drx check examples/payments.drx\n  drx check --format json examples/*.drx\n  drx explain examples/payments.drx\n  drx plan examples/payments.drx\n  drx graph --format mermaid examples/payments.drx\n  drx fmt examples/payments.drx\n  drx fmt --check examples/*.drx"
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// When to use colour: auto (a terminal, and NO_COLOR unset), always or never.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Check files: syntax, names, types and units, AWS constraints and DR rules.
    #[command(
        after_help = "Exit status: 0 when clean (warnings allowed), 1 on errors.\n\nExamples:\n  drx check examples/payments.drx\n  drx check --format json --deny-warnings stack.drx"
    )]
    Check(CheckArgs),
    /// Show how the RTO of every failover path and the RPO of every store are
    /// derived, term by term, and whether each objective holds.
    #[command(
        after_help = "Exit status: 0 when every objective holds, 1 otherwise.\n\nExamples:\n  drx explain examples/payments.drx\n  drx plan examples/payments.drx\n  drx graph --format mermaid examples/payments.drx\n  drx explain --json examples/payments.drx"
    )]
    Explain(ExplainArgs),
    /// Show what apply would create, change and destroy (offline: compares the
    /// file with the recorded state).
    #[command(
        after_help = "Exit status: 0 on success (with --detailed-exitcode: 0 no changes, 2 changes), 1 on errors.\n\nExamples:\n  drx plan examples/payments.drx\n  drx plan --json examples/payments.drx\n  drx plan -o plan.json examples/payments.drx"
    )]
    Plan(PlanArgs),
    /// Create, update and delete AWS resources to match a file (or exactly a
    /// saved plan).
    #[command(
        after_help = "Exit status: 0 when everything was applied, 1 otherwise.\n\nExamples:\n  drx apply examples/payments.drx\n  drx apply --auto-approve --parallelism 20 examples/payments.drx\n  drx plan -o plan.json examples/payments.drx && drx apply plan.json"
    )]
    Apply(ApplyArgs),
    /// Delete every resource of a stack, in reverse dependency order.
    #[command(
        after_help = "Tables and buckets hold data: destroying them needs --allow-data-loss.\n\nExamples:\n  drx destroy --auto-approve --allow-data-loss examples/payments.drx"
    )]
    Destroy(DestroyArgs),
    /// Print the stack's outputs, as of the last apply.
    #[command(
        after_help = "Examples:\n  drx output examples/payments.drx\n  drx output --json examples/payments.drx"
    )]
    Output(OutputArgs),
    /// Say how the live stack is doing: the region each failover serves
    /// from, what the health checkers see, the alarms in ALARM.
    #[command(
        after_help = "Every call is a read; the state is not locked.\n\nExamples:\n  drx status examples/payments.drx\n  drx status --json examples/payments.drx | jq -r '.failovers[].serving'"
    )]
    Status(StatusArgs),
    /// Move traffic to a failover's standby region, the way an outage would
    /// (the primary's health check fails), once replication has caught up.
    #[command(
        after_help = "Graceful by default: waits until table replication latency is under --max-lag and no \
bucket operation is pending replication, and gives up after --timeout saying what is behind; --force \
skips the wait and says what may be lost. Recorded in the state: `drx plan` keeps it, `drx status` \
shows it, `drx failback` returns.\n\nExamples:\n  drx failover examples/payments.drx --reason \"us-east-1 impaired\"\n  \
drx failover --to us-east-2 --auto-approve examples/payments.drx\n  drx failover --force examples/payments.drx"
    )]
    Failover(FailoverArgs),
    /// Return traffic to the primary region after `drx failover`, once what
    /// was written in the standby has replicated back.
    #[command(
        after_help = "Examples:\n  drx failback examples/payments.drx\n  drx failback --auto-approve examples/payments.drx"
    )]
    Failback(FailbackArgs),
    /// Rehearse a failover on the live stack: write canaries, make the
    /// primary fail as an outage would, measure every RTO term and each
    /// store's RPO beside its proof, then put everything back.
    #[command(
        after_help = "The primary's health route function gets reserved concurrency 0 (so Route 53's checks \
really fail), Route 53 moves the answer, the standby serves; then the concurrency is restored, the canaries \
removed, and a plan must show 0 changes. Exit status: 0 when every objective held and the stack was restored, \
1 otherwise. A drill cut short is recorded in the state; `drx drill --restore` finishes it.\n\nExamples:\n  \
drx drill --report drill examples/payments.drx\n  drx drill --canary examples/payments.canary.json --json --auto-approve examples/payments.drx\n  \
drx drill --restore examples/payments.drx"
    )]
    Drill(DrillArgs),
    /// Serve the Language Server Protocol on stdin and stdout, for editors.
    #[command(after_help = "Editors start it themselves; see docs/editors.md for VS Code, Neovim and Helix.")]
    Lsp,
    /// Print a shell completion script.
    #[command(
        after_help = "Examples:\n  drx completions bash > ~/.local/share/bash-completion/completions/drx\n  drx completions zsh > \"${fpath[1]}/_drx\"\n  drx completions fish > ~/.config/fish/completions/drx.fish\n  drx completions powershell >> $PROFILE"
    )]
    Completions(CompletionsArgs),
    /// Print the resource graph, clustered by region.
    #[command(
        after_help = "Examples:\n  drx graph examples/payments.drx | dot -Tsvg > graph.svg\n  drx graph --format mermaid examples/payments.drx"
    )]
    Graph(GraphArgs),
    /// Show a plan saved with `drx plan -o`, and whether it can still be applied.
    #[command(
        after_help = "Exit status: 0 when the saved plan is still current, 1 when it is stale.\n\nExamples:\n  drx show plan.json"
    )]
    Show(ShowArgs),
    /// Adopt an existing AWS resource at an address the file declares, so
    /// drx manages it; the next plan shows how it differs from the file.
    #[command(
        after_help = "ID is the id AWS knows the resource by: a name for the types drx names (functions, \
tables, buckets, roles, log groups, alarms), AWS's id for the rest (REST API id, API/RESOURCE for an API \
resource, the hosted zone id, a topic's ARN); docs/apply.md lists each type's.\n\nExamples:\n  \
drx import examples/payments.drx payment_api.rest_api@us-east-1 a1b2c3d4e5\n  \
drx import examples/payments.drx payments.table@us-east-1 payments-demo-use1"
    )]
    Import(ImportArgs),
    /// Inspect and edit the recorded state: list, show, rm, mv.
    #[command(subcommand)]
    State(StateCommand),
    /// Clear the lock record of a drx that died holding the state lock.
    #[command(
        after_help = "A local lock is held by the operating system and released when its holder exits, \
however it exits; a lock held by a running drx cannot be forced (stop that drx instead). \
LOCK_ID is the id the lock message names.\n\nExamples:\n  drx force-unlock 6f1c0b2e-… examples/payments.drx"
    )]
    ForceUnlock(ForceUnlockArgs),
    /// Rewrite files in the canonical layout (comments are kept).
    #[command(
        after_help = "Examples:\n  drx fmt stack.drx\n  drx fmt --check examples/*.drx   # exit 1 if any file would change"
    )]
    Fmt(FmtArgs),
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// The .drx files to check.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Output format for diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Treat warnings as errors.
    #[arg(long)]
    pub deny_warnings: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ExplainArgs {
    /// The .drx file to explain.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Print the derivation as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Where state is kept; shared by the commands that read or write it.
#[derive(Debug, Args)]
pub(crate) struct StateArgs {
    /// Where the state is kept: a file, or s3://BUCKET/KEY for a state a
    /// team shares [default: the file's `state`, else
    /// .drx/<stack>.state.json beside the .drx file].
    #[arg(long, value_name = "PATH|s3://BUCKET/KEY", value_parser = crate::state::Location::parse)]
    pub state: Option<crate::state::Location>,
    /// Take the state lock while reading (on by default).
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, value_name = "BOOL")]
    pub lock: bool,
    /// How long to wait for a running drx to release the state lock
    /// (`30s`, `5m`); by default a held lock fails at once, naming its holder.
    #[arg(long, value_name = "DURATION", default_value = "0s", value_parser = parse_duration)]
    pub lock_timeout: std::time::Duration,
}

#[derive(Debug, Args)]
pub(crate) struct StatusArgs {
    /// The .drx file whose live stack to report on.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Print the status as JSON (`failovers[].serving` is a region's name).
    #[arg(long)]
    pub json: bool,
    /// Also time replication: write a marker to each replicated store, wait
    /// for it in the other region, then remove it.
    #[arg(long)]
    pub probe: bool,
    /// Skip reading every resource back for drift.
    #[arg(long)]
    pub no_drift: bool,
    #[command(flatten)]
    pub state: StateArgs,
}

/// What `failover` and `failback` share.
#[derive(Debug, Args)]
pub(crate) struct SwitchArgs {
    /// The .drx file of the stack.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Only this failover block [default: every one].
    #[arg(long, value_name = "NAME")]
    pub failover: Option<String>,
    /// Do not wait for replication; say what may be lost.
    #[arg(long)]
    pub force: bool,
    /// Why, for the record (`drx status` shows it).
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
    /// How long to wait for replication, and then for Route 53's answer.
    #[arg(long, value_name = "DURATION", default_value = "10m", value_parser = parse_duration)]
    pub timeout: std::time::Duration,
    /// Table replication latency still counted as caught up.
    #[arg(long, value_name = "DURATION", default_value = "5s", value_parser = parse_duration)]
    pub max_lag: std::time::Duration,
    /// Go ahead without asking.
    #[arg(long)]
    pub auto_approve: bool,
    #[command(flatten)]
    pub state: StateArgs,
}

#[derive(Debug, Args)]
pub(crate) struct FailoverArgs {
    /// The region to send traffic to: the failover's standby.
    #[arg(long, value_name = "REGION")]
    pub to: Option<String>,
    #[command(flatten)]
    pub switch: SwitchArgs,
}

#[derive(Debug, Args)]
pub(crate) struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub(crate) struct DrillArgs {
    /// The .drx file of the stack.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Only this failover block (needed when there are several).
    #[arg(long, value_name = "NAME")]
    pub failover: Option<String>,
    /// A request through the API that writes a canary and the route that
    /// reads it back (JSON; docs/operations.md#drx-drill).
    #[arg(long, value_name = "CANARY.json")]
    pub canary: Option<PathBuf>,
    /// Write the report to PATH.json and PATH.md.
    #[arg(long, value_name = "PATH")]
    pub report: Option<PathBuf>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// How long each phase may take before the drill gives up and restores.
    #[arg(long, value_name = "DURATION", default_value = "15m", value_parser = parse_duration)]
    pub timeout: std::time::Duration,
    /// Only put back what a drill cut short left (concurrency, canaries).
    #[arg(long)]
    pub restore: bool,
    /// Go ahead without asking.
    #[arg(long)]
    pub auto_approve: bool,
    #[command(flatten)]
    pub state: StateArgs,
}

#[derive(Debug, Args)]
pub(crate) struct FailbackArgs {
    #[command(flatten)]
    pub switch: SwitchArgs,
}

fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    humantime::parse_duration(text).map_err(|e| format!("{e} (write it like `30s` or `5m`)"))
}

#[derive(Debug, Args)]
pub(crate) struct PlanArgs {
    /// The .drx file to plan.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Print the plan as JSON (schema in docs/plan.md).
    #[arg(long)]
    pub json: bool,
    /// Save the plan, to apply exactly it later.
    #[arg(short = 'o', long = "out", value_name = "PLAN")]
    pub out: Option<PathBuf>,
    /// Exit 0 when there are no changes, 2 when there are, 1 on errors.
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Look up recorded resources in AWS first, to show drift (needs credentials
    /// once the stack has state).
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, value_name = "BOOL")]
    pub refresh: bool,
    /// Replace this resource (delete and create it) even if nothing about it
    /// changed: one that is broken in a way drx cannot see. Repeatable.
    #[arg(long = "replace", value_name = "ADDRESS")]
    pub replace: Vec<String>,
    /// Only read AWS back: record what changed outside drx in the state,
    /// and change no resource.
    #[arg(long, conflicts_with = "replace")]
    pub refresh_only: bool,
    /// Lookups in flight at once while refreshing.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub parallelism: usize,
    #[command(flatten)]
    pub state: StateArgs,
}

#[derive(Debug, Args)]
pub(crate) struct ApplyArgs {
    /// The .drx file, or a plan saved with `drx plan -o`.
    #[arg(value_name = "FILE|PLAN")]
    pub target: PathBuf,
    /// Apply without asking.
    #[arg(long)]
    pub auto_approve: bool,
    /// Operations in flight at once.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub parallelism: usize,
    /// Allow replacing or deleting tables and buckets, destroying their data.
    #[arg(long)]
    pub allow_data_loss: bool,
    /// Look up recorded resources first and recreate any deleted outside drx.
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, value_name = "BOOL")]
    pub refresh: bool,
    /// Replace this resource (delete and create it) even if nothing about it
    /// changed: one that is broken in a way drx cannot see. Repeatable.
    #[arg(long = "replace", value_name = "ADDRESS")]
    pub replace: Vec<String>,
    /// Only read AWS back: record what changed outside drx in the state,
    /// and change no resource.
    #[arg(long, conflicts_with = "replace")]
    pub refresh_only: bool,
    /// The Cargo profile function code is built with.
    #[arg(long, default_value = "release", value_name = "PROFILE")]
    pub cargo_profile: String,
    #[command(flatten)]
    pub state: StateArgs,
}

#[derive(Debug, Args)]
pub(crate) struct DestroyArgs {
    /// The .drx file whose stack to destroy.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Destroy without asking.
    #[arg(long)]
    pub auto_approve: bool,
    /// Allow deleting tables and buckets and the data in them.
    #[arg(long)]
    pub allow_data_loss: bool,
    /// Operations in flight at once.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub parallelism: usize,
    #[command(flatten)]
    pub state: StateArgs,
}

#[derive(Debug, Args)]
pub(crate) struct OutputArgs {
    /// The .drx file whose outputs to print.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Print the outputs as a JSON object.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub state: StateArgs,
}

/// `drx state …`: each takes the lock; each edit keeps the previous state as
/// a backup and moves the serial on, so saved plans made before it go stale.
#[derive(Debug, Subcommand)]
pub(crate) enum StateCommand {
    /// List the recorded resources: address, type and AWS id.
    #[command(after_help = "Examples:\n  drx state list examples/payments.drx")]
    List(StateFileArgs),
    /// Show one recorded resource as JSON.
    #[command(
        after_help = "Examples:\n  drx state show payment_api.rest_api@us-east-1 examples/payments.drx"
    )]
    Show(StateAddressArgs),
    /// Forget a resource: it stays in AWS, drx no longer manages it (the next
    /// plan creates it again unless the file drops it).
    #[command(after_help = "Examples:\n  drx state rm lambda_errors.alarm@us-east-2 examples/payments.drx")]
    Rm(StateAddressArgs),
    /// Give a recorded resource another address (after renaming a block),
    /// so the next plan keeps it instead of replacing it.
    #[command(
        after_help = "Examples:\n  drx state mv old_api.rest_api@us-east-1 payment_api.rest_api@us-east-1 examples/payments.drx"
    )]
    Mv(StateMoveArgs),
    /// Print the state (with any journal replayed) as JSON.
    #[command(after_help = "Examples:\n  drx state pull examples/payments.drx > backup.json")]
    Pull(StateFileArgs),
    /// Replace the state with a JSON file's; another lineage, or an older
    /// serial, is refused without --force.
    #[command(after_help = "Examples:\n  drx state push backup.json examples/payments.drx")]
    Push(StatePushArgs),
    /// Move the state to another place (a file, or s3://BUCKET/KEY), keeping
    /// the old one as a backup (`<state>.migrated`).
    #[command(
        after_help = "Examples:\n  drx state migrate --to s3://acme-drx-state/payments/prod.state examples/payments.drx\n  \
drx state migrate --state s3://acme-drx-state/payments/prod.state --to .drx/payment.state.json examples/payments.drx"
    )]
    Migrate(StateMigrateArgs),
}

#[derive(Debug, Args)]
pub(crate) struct StatePushArgs {
    /// The state to push, as `drx state pull` prints it.
    #[arg(value_name = "STATE_JSON")]
    pub pushed: PathBuf,
    /// Push another lineage, or an older serial, over the state.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub target: StateFileArgs,
}

#[derive(Debug, Args)]
pub(crate) struct StateMigrateArgs {
    /// Where the state goes: a path, or s3://BUCKET/KEY.
    #[arg(long, value_name = "PATH|s3://BUCKET/KEY", value_parser = crate::state::Location::parse)]
    pub to: crate::state::Location,
    #[command(flatten)]
    pub target: StateFileArgs,
}

#[derive(Debug, Args)]
pub(crate) struct ImportArgs {
    /// The .drx file that declares the resource.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Where the file declares it, as plans show it.
    #[arg(value_name = "ADDRESS")]
    pub address: String,
    /// The id AWS knows it by.
    #[arg(value_name = "ID")]
    pub id: String,
    #[command(flatten)]
    pub state: StateArgs,
}

#[derive(Debug, Args)]
pub(crate) struct StateFileArgs {
    /// The .drx file whose stack's state it is.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    #[command(flatten)]
    pub state: StateArgs,
}

#[derive(Debug, Args)]
pub(crate) struct StateAddressArgs {
    /// The resource's address, as plans show it.
    #[arg(value_name = "ADDRESS")]
    pub address: String,
    #[command(flatten)]
    pub target: StateFileArgs,
}

#[derive(Debug, Args)]
pub(crate) struct StateMoveArgs {
    #[arg(value_name = "FROM")]
    pub from: String,
    #[arg(value_name = "TO")]
    pub to: String,
    #[command(flatten)]
    pub target: StateFileArgs,
}

#[derive(Debug, Args)]
pub(crate) struct ForceUnlockArgs {
    /// The lock id the lock message names.
    #[arg(value_name = "LOCK_ID")]
    pub lock_id: String,
    /// The .drx file whose stack's lock it is.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    #[command(flatten)]
    pub state: StateArgs,
}

#[derive(Debug, Args)]
pub(crate) struct GraphArgs {
    /// The .drx file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
    pub format: GraphFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum GraphFormat {
    Dot,
    Mermaid,
}

#[derive(Debug, Args)]
pub(crate) struct ShowArgs {
    /// A plan saved with `drx plan -o`.
    #[arg(value_name = "PLAN")]
    pub plan: PathBuf,
    /// Print the plan as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub state: StateArgs,
}

#[derive(Debug, Args)]
pub(crate) struct FmtArgs {
    /// The .drx files to format in place.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Change nothing; exit 1 and name the files that are not formatted.
    #[arg(long)]
    pub check: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Color {
    Auto,
    Always,
    Never,
}
