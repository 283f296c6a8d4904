//! The image repositories and data stores of a stack spec
//! (`repositories:`, `tables:`, `buckets:`), built before the services so
//! that services can pull from the repositories and be granted access to the
//! tables and buckets by name.

use std::collections::BTreeMap;

use crate::cfn::Output;
use crate::core::{pascal_case, FieldPath, Stack};
use crate::dynamodb::Table;
use crate::ecr::Repository;
use crate::s3::Bucket;

use super::StackSpec;

/// What [`build`] made, by the names the app file gives them.
#[derive(Debug, Default)]
pub(crate) struct Stores {
    /// ECR repositories by repository name.
    pub repositories: BTreeMap<String, Repository>,
    /// DynamoDB tables by their key in `tables:`.
    pub tables: BTreeMap<String, Table>,
    /// S3 buckets by their key in `buckets:`.
    pub buckets: BTreeMap<String, Bucket>,
}

/// Adds every repository, table and bucket of `spec` to `stack`, each with
/// an output: `<Name>RepositoryUri`, `<Name>TableName`, `<Name>BucketName`.
pub(crate) fn build(stack: &mut Stack, spec: &StackSpec) -> Stores {
    let root = stack.root().clone();
    let mut stores = Stores::default();
    for (name, props) in &spec.repositories {
        let path = root.child(format!("{} Repository", pascal_case(name)));
        let field = FieldPath::root().key("repositories").key(name.as_str());
        let repo = stack.in_field(field, |s| Repository::new(s, &path, name, props));
        stack.add_output(
            &path.child("Uri"),
            Output::new(repo.uri.clone(), format!("URI of the ECR repository `{name}` (push images here)")),
        );
        stores.repositories.insert(name.clone(), repo);
    }
    for (name, props) in &spec.tables {
        let path = root.child(format!("{} Table", pascal_case(name)));
        let field = FieldPath::root().key("tables").key(name.as_str());
        let table = stack.in_field(field, |s| Table::new(s, &path, props));
        stack.add_output(&path.child("Name"), Output::new(table.name.clone(), format!("Name of the table `{name}`")));
        stores.tables.insert(name.clone(), table);
    }
    for (name, props) in &spec.buckets {
        let path = root.child(format!("{} Bucket", pascal_case(name)));
        let field = FieldPath::root().key("buckets").key(name.as_str());
        let bucket = stack.in_field(field, |s| Bucket::new(s, &path, props));
        stack.add_output(&path.child("Name"), Output::new(bucket.name.clone(), format!("Name of the bucket `{name}`")));
        stores.buckets.insert(name.clone(), bucket);
    }
    stores
}
