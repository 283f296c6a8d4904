//! Pre-deploy checks: before the change set is created (also under
//! `--no-execute`), ask AWS what a template alone cannot say, and refuse a
//! change that is certain to fail — with the exact command that fixes it —
//! instead of letting CloudFormation fail it half-way and roll back:
//!
//! - every ECR image a task definition runs is in its repository
//!   (`ecr:image-missing`), and none is in a repository this very deploy
//!   creates (`ecr:image-in-new-repository`: it would be empty when the
//!   service starts — deploy the repositories first, `--stage repositories`);
//! - no repository the deploy creates by name exists already outside the
//!   stack (`ecr:repository-exists`: left by an earlier failed deploy).
//!
//! Findings are typed diagnostics ([`Finding`], codes from the registry, so
//! `rcdk explain CODE` teaches them). Errors refuse the stack, exit 1, and
//! nothing is created; warnings are printed and the deploy goes on. The
//! service-linked role step ([`service_role`]) runs later, right before a
//! change set that creates the account's first ECS cluster is executed.

pub mod service_role;
pub mod template;

use std::collections::{BTreeMap, BTreeSet};

use super::{shell_quote, Context, Target};
use crate::aws::ecr::{ImageId, ImageLookup};
use crate::aws::{Aws, StackResource};
use crate::failure::Failure;
use crate::stacks::finding::{self, Finding};
use template::{ImageSource, ImageUse, Scan};

/// What the checks know about the destination.
struct Place<'a> {
    stack: &'a str,
    account: String,
    region: String,
    /// `rcdk deploy <source words>`, to print commands.
    deploy: String,
}

impl Place<'_> {
    fn registry(&self) -> String {
        let suffix = if self.region.starts_with("cn-") { "amazonaws.com.cn" } else { "amazonaws.com" };
        format!("{}.dkr.ecr.{}.{suffix}", self.account, self.region)
    }
}

/// Runs the checks for `target` before its change set is created.
/// `parameters` are the values the change set will pass; `exists` whether
/// the stack is deployed (its resources are then listed, only when a check
/// needs them).
pub async fn run(
    ctx: &Context,
    aws: &Aws,
    target: &Target,
    parameters: &BTreeMap<String, String>,
    exists: bool,
) -> Result<(), Failure> {
    let account = aws.caller_account().await?;
    let region = aws.region();
    let scan = template::scan(&target.stack.body, parameters, &account, &region);
    if scan.repositories.is_empty() && scan.images.is_empty() {
        return Ok(());
    }
    let mut words = vec!["rcdk".to_owned(), "deploy".to_owned()];
    words.extend(ctx.options.source.iter().map(|w| shell_quote(w)));
    let place = Place { stack: &target.stack.name, account, region, deploy: words.join(" ") };
    let resources: Vec<StackResource> =
        if exists { aws.stack_resources(&target.stack.name).await?.unwrap_or_default() } else { Vec::new() };
    let deployed: BTreeMap<&str, Option<&str>> =
        resources.iter().map(|r| (r.logical_id.as_str(), r.physical_id.as_deref())).collect();
    let mut findings = repositories(aws, &place, &scan, &deployed).await?;
    findings.extend(images(aws, &place, &scan, &deployed).await?);
    report(ctx, findings)
}

/// Prints the warnings of `findings` as progress lines and refuses on errors
/// (exit 1, "nothing was created").
pub fn report(ctx: &Context, findings: Vec<Finding>) -> Result<(), Failure> {
    finding::check(findings, |line| ctx.say(line), "nothing was created")
}

/// The repository a template repository is today: `Some(name)` when the
/// deployed stack has it under the name the template asks for; `None` when
/// this deploy creates it (new, or renamed: a replacement).
fn deployed_name<'a>(repo: &'a template::Repository, deployed: &BTreeMap<&str, Option<&'a str>>) -> Option<&'a str> {
    let physical = deployed.get(repo.logical_id.as_str()).copied().flatten()?;
    match &repo.name {
        Some(name) if name != physical => None,
        _ => Some(physical),
    }
}

/// `ecr:repository-exists`: a repository this deploy creates by name exists already.
async fn repositories(
    aws: &Aws,
    place: &Place<'_>,
    scan: &Scan,
    deployed: &BTreeMap<&str, Option<&str>>,
) -> Result<Vec<Finding>, Failure> {
    let mut findings = Vec::new();
    for repo in &scan.repositories {
        let Some(name) = &repo.name else { continue };
        if deployed_name(repo, deployed).is_some() || aws.repository_uri(name).await?.is_none() {
            continue;
        }
        findings.push(
            Finding::new(
                crate::deploy_time::Code::RepositoryExists,
                place.stack,
                format!(
                    "ECR repository `{name}` already exists in account {} ({}) but is not part of this stack \
                     (left by an earlier failed deploy, or made by hand): CloudFormation cannot create it again",
                    place.account, place.region
                ),
                format!(
                    "import it into the stack or rename it: if it is empty and not needed, delete it \
                     (`aws ecr delete-repository --repository-name {name} --region {}`), or give the repository \
                     another name in the app file",
                    place.region
                ),
            )
            .at(&repo.logical_id),
        );
    }
    Ok(findings)
}

/// `ecr:image-in-new-repository` and `ecr:image-missing`.
async fn images(
    aws: &Aws,
    place: &Place<'_>,
    scan: &Scan,
    deployed: &BTreeMap<&str, Option<&str>>,
) -> Result<Vec<Finding>, Failure> {
    let mut findings = Vec::new();
    let mut new_repository_images: Vec<(&ImageUse, String)> = Vec::new();
    let mut asked: BTreeMap<(String, ImageId), ImageLookup> = BTreeMap::new();
    for image in &scan.images {
        let repository = match &image.source {
            ImageSource::InTemplate(logical) => {
                let Some(repo) = scan.repositories.iter().find(|r| &r.logical_id == logical) else { continue };
                match deployed_name(repo, deployed) {
                    Some(name) => name.to_owned(),
                    None => {
                        let name = repo.name.clone().unwrap_or_else(|| format!("<{logical}>"));
                        new_repository_images.push((image, name));
                        continue;
                    }
                }
            }
            ImageSource::Ecr { account, region, repository } => {
                if *account != place.account || *region != place.region {
                    continue; // another account's or region's registry: not this session's to ask
                }
                repository.clone()
            }
        };
        let key = (repository.clone(), image.id.clone());
        let lookup = match asked.get(&key) {
            Some(l) => *l,
            None => {
                let l = aws.image_lookup(None, &repository, &image.id).await?;
                asked.insert(key, l);
                l
            }
        };
        let what = match lookup {
            ImageLookup::Found => continue,
            ImageLookup::ImageMissing => format!("is not in repository `{repository}`"),
            ImageLookup::RepositoryMissing => format!("is in repository `{repository}`, which does not exist"),
        };
        findings.push(
            Finding::new(
                crate::deploy_time::Code::ImageMissing,
                place.stack,
                format!(
                    "image `{repository}{}` of container `{}` {what} (account {}, {}): the service could never \
                     start its tasks",
                    image.id, image.container, place.account, place.region
                ),
                format!(
                    "push it first (`docker push {}/{repository}{}`), or use a tag that exists \
                     (`aws ecr describe-images --repository-name {repository} --region {}`)",
                    place.registry(),
                    image.id,
                    place.region
                ),
            )
            .at(&image.task_definition),
        );
    }
    if !new_repository_images.is_empty() {
        let pushes: Vec<String> = new_repository_images
            .iter()
            .map(|(image, repo)| format!("docker push {}/{repo}{}", place.registry(), image.id))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let steps = format!(
            "deploy the repositories first, push the images, then deploy the rest:\n    \
             {deploy} --stack {stack} --stage repositories --yes\n    {pushes}\n    {deploy} --stack {stack}",
            deploy = place.deploy,
            stack = place.stack,
            pushes = pushes.join("\n    ")
        );
        for (image, repo) in &new_repository_images {
            findings.push(
                Finding::new(
                    crate::deploy_time::Code::ImageInNewRepository,
                    place.stack,
                    format!(
                        "container `{}` runs `{repo}{}`, but repository `{repo}` is created by this deploy: it is \
                         empty when the service starts, so the deployment fails and the stack rolls back",
                        image.container, image.id
                    ),
                    steps.clone(),
                )
                .at(&image.task_definition),
            );
        }
    }
    Ok(findings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_renamed_repository_is_a_new_one() {
        let repo = |name: Option<&str>| template::Repository { logical_id: "Repo".into(), name: name.map(Into::into) };
        let deployed = BTreeMap::from([("Repo", Some("todo-main"))]);
        assert_eq!(deployed_name(&repo(Some("todo-main")), &deployed), Some("todo-main"));
        assert_eq!(deployed_name(&repo(None), &deployed), Some("todo-main"));
        assert_eq!(deployed_name(&repo(Some("todo-web")), &deployed), None);
        assert_eq!(deployed_name(&repo(Some("todo-main")), &BTreeMap::new()), None);
    }
}
