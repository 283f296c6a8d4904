//! RDS calls of `rcdk destroy` (Query protocol through [`super::api`]).

use super::api::{Params, RDS};
use super::{ApiError, Aws};

impl Aws {
    /// Whether the DB instance `id` has deletion protection on (RDS
    /// DescribeDBInstances); `None` when there is no such instance.
    pub async fn db_deletion_protection(&self, id: &str) -> Result<Option<bool>, ApiError> {
        let params = Params::new().set("DBInstanceIdentifier", id);
        match self.api().query(&RDS, "DescribeDBInstances", params).await {
            Ok(out) => Ok(out
                .list("DBInstances")
                .first()
                .map(|db| db.text_of("DeletionProtection").is_some_and(|v| v == "true"))),
            Err(e) if e.code() == Some("DBInstanceNotFound") || e.code() == Some("DBInstanceNotFoundFault") => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Turns the DB instance's deletion protection off, at once (RDS
    /// ModifyDBInstance with ApplyImmediately).
    pub async fn disable_db_deletion_protection(&self, id: &str) -> Result<(), ApiError> {
        let params = Params::new()
            .set("DBInstanceIdentifier", id)
            .set("DeletionProtection", "false")
            .set("ApplyImmediately", "true");
        self.api().query(&RDS, "ModifyDBInstance", params).await.map(|_| ())
    }
}
