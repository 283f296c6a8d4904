//! IAM calls: the service-linked roles a fresh account may lack (Query
//! protocol through [`super::api`]).

use super::api::{Params, IAM};
use super::{ApiError, Aws};

impl Aws {
    /// Whether the service-linked role of `service` (e.g. `ecs.amazonaws.com`)
    /// exists: IAM GetRole of `role_name` (AWS's name, e.g.
    /// `AWSServiceRoleForECS`), then ListRoles under the role path every
    /// service-linked role has (`/aws-service-role/<service>/`), which does not
    /// depend on the name (moto names roles differently).
    pub async fn service_linked_role_exists(&self, service: &str, role_name: &str) -> Result<bool, ApiError> {
        match self.api().query(&IAM, "GetRole", Params::new().set("RoleName", role_name)).await {
            Ok(_) => return Ok(true),
            Err(e) if e.code() == Some("NoSuchEntity") => {}
            Err(e) => return Err(e),
        }
        let path = format!("/aws-service-role/{service}/");
        let out = self.api().query(&IAM, "ListRoles", Params::new().set("PathPrefix", path)).await?;
        Ok(!out.list("Roles").is_empty())
    }

    /// Creates the service-linked role of `service` (IAM
    /// CreateServiceLinkedRole) and returns its name. A role that already
    /// exists ("has been taken in this account") is success.
    pub async fn create_service_linked_role(&self, service: &str, role_name: &str) -> Result<String, ApiError> {
        let params = Params::new().set("AWSServiceName", service);
        match self.api().query(&IAM, "CreateServiceLinkedRole", params).await {
            Ok(out) => Ok(out.text_at(&["Role", "RoleName"]).unwrap_or_else(|| role_name.to_owned())),
            Err(e)
                if e.code() == Some("EntityAlreadyExists")
                    || e.aws_message().is_some_and(|m| m.contains("has been taken in this account")) =>
            {
                Ok(role_name.to_owned())
            }
            Err(e) => Err(e),
        }
    }
}
