//! RDS databases as real AWS runs them over time: automatic minor upgrades
//! that move past a pinned engine version.

use super::codes;
use super::model::{prop, Doc, V};
use super::Sink;
use crate::rds::{is_major_version, DatabaseEngine};

pub(crate) fn check(doc: &Doc<'_>, sink: &mut Sink<'_>) {
    for db in doc.of_type("AWS::RDS::DBInstance") {
        // Aurora instances take their version from the cluster.
        if db.props.get("DBClusterIdentifier").is_some() {
            continue;
        }
        let Some(engine) = prop(doc, db, "Engine").as_str().and_then(DatabaseEngine::parse) else { continue };
        let V::Str(version) = prop(doc, db, "EngineVersion") else { continue };
        // RDS upgrades minor versions automatically unless told otherwise.
        let auto = match db.props.get("AutoMinorVersionUpgrade") {
            None => true,
            Some(v) => doc.resolve(v).as_bool().unwrap_or(false),
        };
        if !auto || is_major_version(engine, &version) {
            continue;
        }
        let major = match engine {
            DatabaseEngine::Postgres => version.split('.').next().unwrap_or_default().to_owned(),
            DatabaseEngine::Mysql => version.split('.').take(2).collect::<Vec<_>>().join("."),
        };
        let f = sink.warning(
            codes::ENGINE_VERSION_PINNED,
            db.id,
            format!(
                "database {} pins {} {version} and lets RDS apply minor upgrades: once RDS has moved it past {version}, a \
                 deploy that still asks for {version} is a downgrade RDS refuses, and once RDS retires {version} a new \
                 stack cannot create the database",
                db.id,
                engine.as_str()
            ),
            format!(
                "write the major version only (`engine_version: '{major}'`) and let RDS choose the minor, or set \
                 `auto_minor_version_upgrade: false` and upgrade by changing `engine_version` yourself"
            ),
        );
        f.field = Some("engine_version");
    }
}
