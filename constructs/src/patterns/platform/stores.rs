//! The image repositories and data stores of a stack spec
//! (`repositories:`, `tables:`, `buckets:`), built before the services so
//! that services can pull from the repositories and be granted access to the
//! tables and buckets by name.

use std::collections::BTreeMap;

use crate::cfn::validate::suggest;
use crate::cfn::Output;
use crate::core::{pascal_case, ConstructPath, FieldPath, Stack};
use crate::dynamodb::Table;
use crate::ecr::Repository;
use crate::ecs::{tag_problem, ContainerImage, RepositoryImage};
use crate::error::ValidationError;
use crate::iam::{store_variable, PolicyStatement};
use crate::patterns::{LoadBalancedService, LoadBalancedServiceProps};
use crate::s3::Bucket;

use super::spec::StackSpec;

/// The repositories, tables and buckets of a platform stack, by the names
/// the spec gives them.
#[derive(Debug, Clone, Default)]
pub struct Stores {
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

/// The props of a service with its images (stable and canary) that name a
/// repository, `{repository, tag}`, bound to the stack's repository handles,
/// so the task definitions run the repositories' URIs and their execution
/// roles may pull from exactly those repositories. A name the stack's
/// `repositories:` does not have is reported at `image.repository` (with
/// "did you mean"); the image then stays as written.
pub(crate) fn resolve_images(
    stack: &mut Stack,
    name: &str,
    props: &LoadBalancedServiceProps,
    stores: &Stores,
) -> LoadBalancedServiceProps {
    let mut resolved = props.clone();
    let service = stack.root().child(name);
    resolve_image(stack, &service, &mut resolved.image, FieldPath::root().key("image"), stores, "unresolved/stable:0");
    if let Some(canary) = resolved.canary.as_mut() {
        let field = FieldPath::root().key("canary").key("image");
        resolve_image(stack, &service, &mut canary.image, field, stores, "unresolved/canary:0");
    }
    resolved
}

fn resolve_image(
    stack: &mut Stack,
    service: &ConstructPath,
    image: &mut ContainerImage,
    field: FieldPath,
    stores: &Stores,
    stand_in: &str,
) {
    let ContainerImage::Repository(RepositoryImage { repository, tag }) = &*image else { return };
    match stores.repositories.get(repository) {
        Some(repo) => *image = ContainerImage::from_repository(repo, tag.clone()),
        None => {
            let known: Vec<&str> = stores.repositories.keys().map(String::as_str).collect();
            let help = if known.is_empty() {
                format!("add `repositories: {{{repository}: {{}}}}` to the stack, or give the image as a string")
            } else {
                format!("the stack's repositories: {}", known.join(", "))
            };
            stack.report(
                ValidationError::new(
                    Code::ImageRepositoryUnknown,
                    service,
                    format!(
                        "the image names the repository `{repository}`, and the stack has no such entry under `repositories`{}",
                        suggest(repository, known.iter().copied())
                    ),
                )
                .field(field.key("repository"))
                .help(help),
            );
            if let Some(why) = tag_problem(tag) {
                stack.report(
                    ValidationError::new(
                        crate::ecs::task_definition::Code::ImageTagInvalid,
                        service,
                        format!("`{tag}` is not a valid image tag: {why}"),
                    )
                    .field(field.key("tag"))
                    .help(
                        "use 1 to 128 letters, digits, `_`, `.` and `-`, not starting with `.` or `-` (e.g. `1.4.2`)",
                    ),
                );
            }
            // A valid stand-in (one for the stable image, another for the
            // canary's): the problems are reported, and nothing more is to
            // be said about this image.
            *image = ContainerImage::Reference(stand_in.into());
        }
    }
}

/// Applies the `grants` of service `name`: for each table or bucket, its
/// least-privilege statements on the task roles of the service and its
/// canary, and its name in their containers' environment. Reported: a store
/// the stack does not have, and a variable the service's own `environment`
/// already sets.
pub(crate) fn grant(
    stack: &mut Stack,
    name: &str,
    props: &LoadBalancedServiceProps,
    service: &LoadBalancedService,
    stores: &Stores,
) {
    let Some(grants) = &props.grants else { return };
    let field = FieldPath::root().key("grants");
    let mut granted: Vec<(String, serde_json::Value, Vec<PolicyStatement>)> = Vec::new();
    for (table, access) in &grants.tables {
        match stores.tables.get(table) {
            Some(t) => granted.push((store_variable(table, "TABLE"), t.name.clone(), t.grant(*access))),
            None => stack.report(unknown_store(service, &field, "tables", table, &stores.tables)),
        }
    }
    for (bucket, access) in &grants.buckets {
        match stores.buckets.get(bucket) {
            Some(b) => granted.push((store_variable(bucket, "BUCKET"), b.name.clone(), b.grant(*access))),
            None => stack.report(unknown_store(service, &field, "buckets", bucket, &stores.buckets)),
        }
    }
    let task_definitions =
        std::iter::once(&service.task_definition).chain(service.canary.as_ref().map(|c| &c.task_definition));
    let task_definitions: Vec<_> = task_definitions.collect();
    for (variable, value, statements) in granted {
        if props.environment.contains_key(&variable) {
            stack.report(
                ValidationError::new(
                    Code::GrantEnvironmentConflict,
                    &service.path,
                    format!("`environment` sets `{variable}`, which a grant sets to the store's name"),
                )
                .field(FieldPath::root().key("environment").entry(variable.as_str()))
                .help("remove the variable from `environment`; the grant passes the generated name"),
            );
            continue;
        }
        for td in &task_definitions {
            td.add_environment(stack, name, &variable, value.clone());
            for statement in &statements {
                td.task_role.add_statement(stack, statement);
            }
        }
    }
}

fn unknown_store<T>(
    service: &LoadBalancedService,
    field: &FieldPath,
    kind: &str,
    store: &str,
    known: &BTreeMap<String, T>,
) -> ValidationError {
    let names: Vec<&str> = known.keys().map(String::as_str).collect();
    ValidationError::new(
        if kind == "tables" { Code::GrantUnknownTable } else { Code::GrantUnknownBucket },
        &service.path,
        format!("the grant names `{store}`, and the stack has no such entry under `{kind}`"),
    )
    .field(field.key(kind).key(store))
    .help(if names.is_empty() {
        format!("add `{kind}: {{{store}: ...}}` to the stack")
    } else {
        format!("the stack's {kind}: {}", names.join(", "))
    })
}

crate::codes! {
    /// The diagnostic codes this module reports.
    pub(crate) enum Code {
        GrantEnvironmentConflict => error("app:grant-environment-conflict") {
            title: "a grant's environment variable is also set in `environment`",
            explanation: "A grant passes the store's generated name to the container as `<NAME>_TABLE` or `<NAME>_BUCKET`. The service's own `environment` sets the same variable, so one of them would be lost. Remove it from `environment`.",
        },
        GrantUnknownBucket => error("app:grant-unknown-bucket") {
            title: "a grant names a bucket the stack does not have",
            explanation: "`grants.buckets` names buckets of the same stack's `buckets:`. Check the spelling, or add the bucket: `buckets: {files: {}}`.",
        },
        GrantUnknownTable => error("app:grant-unknown-table") {
            title: "a grant names a table the stack does not have",
            explanation: "`grants.tables` names tables of the same stack's `tables:`. Check the spelling, or add the table: `tables: {todos: {partition_key: {name: id}}}`.",
        },
        ImageRepositoryUnknown => error("app:image-repository-unknown") {
            title: "an image names a repository the stack does not have",
            explanation: "`image: {repository: <name>, tag: <tag>}` (and the canary's) names a repository of the same \
         stack's `repositories:`, so the container runs that repository's URI and the execution role may \
         pull from it. Check the spelling, or add the repository:\n\n\
         ```yaml\nrepositories:\n  todo-main: {}\nservices:\n  main:\n    image: {repository: todo-main, tag: 1.0.3}\n```\n\n\
         An image in another registry is a string: `image: ghcr.io/acme/api:1.4.2`.",
        },
    }
}
