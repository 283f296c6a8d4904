//! `rcdk list`: the app's stacks in deploy order — name, account, region and
//! the stacks each depends on — as text or JSON, without calling AWS.

use rcdk_constructs::cfn::Format;
use rcdk_constructs::core::SynthesizedStack;
use serde_json::{json, Value};

use crate::app_source::AppSource;
use crate::cli::{ListArgs, ListFormat};
use crate::failure::Failure;

/// Runs `rcdk list`.
pub fn run(args: &ListArgs) -> Result<(), Failure> {
    let source = match AppSource::from_flags(&args.app_files, args.app.as_deref(), args.assembly.as_deref())? {
        Some(source) => source,
        None => AppSource::Files(crate::app_source::app_files(&[])?),
    };
    let stacks = source.stacks(Format::Yaml)?;
    match args.format {
        ListFormat::Text => print!("{}", text(&stacks)),
        ListFormat::Json => println!("{}", serde_json::to_string_pretty(&json_rows(&stacks)).unwrap_or_default()),
    }
    Ok(())
}

/// One object per stack, in deploy order.
pub fn json_rows(stacks: &[SynthesizedStack]) -> Value {
    Value::Array(
        stacks
            .iter()
            .map(|s| {
                json!({
                    "name": s.props.name,
                    "account": s.props.account,
                    "region": s.props.region,
                    "dependsOn": s.depends_on,
                })
            })
            .collect(),
    )
}

/// Aligned columns: NAME, ACCOUNT, REGION, DEPENDS ON (`-` for none).
pub fn text(stacks: &[SynthesizedStack]) -> String {
    let rows: Vec<[String; 4]> = stacks
        .iter()
        .map(|s| {
            [
                s.props.name.clone(),
                s.props.account.clone().unwrap_or_else(|| "-".into()),
                s.props.region.clone().unwrap_or_else(|| "-".into()),
                if s.depends_on.is_empty() { "-".into() } else { s.depends_on.join(", ") },
            ]
        })
        .collect();
    let header = ["NAME", "ACCOUNT", "REGION", "DEPENDS ON"].map(str::to_owned);
    let mut widths = [0usize; 3];
    for row in std::iter::once(&header).chain(&rows) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        out.push_str(&format!(
            "{:w0$}  {:w1$}  {:w2$}  {}\n",
            row[0],
            row[1],
            row[2],
            row[3],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2]
        ));
    }
    out
}
