//! The JSON view of a node of a solve: one function, used by `ponder show --json` and by
//! `GET /api/solves/{id}/node`, so the page and the command line show the same numbers.

use ponder_postflop::report::NodeReport;
use ponder_postflop::{LineError, Solver, StoredValue};
use serde_json::{json, Value};

/// `ponder show --json`'s object for `report`: the report's fields plus the solve's iterations,
/// storage kind and recorded exploitability.
pub fn node_json<S: StoredValue>(
    solver: &Solver<S>,
    report: &NodeReport,
    exploitability_pct: Option<f64>,
) -> Value {
    // NodeReport holds only strings, numbers and vectors of them: serialising cannot fail.
    let mut value = serde_json::to_value(report).unwrap_or(Value::Null);
    value["iterations"] = json!(solver.iteration);
    value["compressed"] = json!(S::COMPRESSED);
    value["exploitability_pct"] = json!(exploitability_pct);
    value
}

/// Follows `line` from the root and reports the node there.
pub fn node_at<S: StoredValue>(solver: &Solver<S>, line: &str) -> Result<NodeReport, LineError> {
    let view = ponder_postflop::follow_line(solver, line)?;
    Ok(ponder_postflop::node_report(solver, &view))
}

/// The node's per-hand strategy as CSV: hand, class, weight, EV, equity, then one column per action.
pub fn node_csv(report: &NodeReport) -> String {
    let mut out = String::from("hand,class,weight,ev,equity");
    for action in &report.actions {
        out.push(',');
        out.push_str(&csv_field(action));
    }
    out.push('\n');
    for hand in &report.hands {
        out.push_str(&format!(
            "{},{},{},{},{}",
            hand.hand, hand.class, hand.weight, hand.ev, hand.equity
        ));
        for s in &hand.strategy {
            out.push_str(&format!(",{s}"));
        }
        out.push('\n');
    }
    out
}

/// Quotes a CSV field when it holds a comma, quote or line break.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_with_commas_are_quoted() {
        assert_eq!(csv_field("bet 120"), "bet 120");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"x\""), "\"say \"\"x\"\"\"");
    }
}
