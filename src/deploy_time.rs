//! The diagnostic codes of rcdk's deploy- and destroy-time checks: what
//! `rcdk deploy` and `rcdk destroy` find by asking AWS before they change
//! anything (an image not pushed, a repository that already exists, a
//! protection that would block a deletion). Defined here, outside the `aws`
//! feature, so `rcdk explain` teaches them in every build.

rcdk_constructs::codes! {
    /// The deploy- and destroy-time codes (each names its service).
    pub enum Code {
        ImageInNewRepository => error("ecr:image-in-new-repository") {
            title: "a service runs an image from a repository the same deploy creates (deploy time)",
            explanation: "Found by `rcdk deploy` before it creates the change set. A task definition runs \
         `<repository>:<tag>` where the repository is an `AWS::ECR::Repository` that this deploy creates. \
         A new repository is empty, so when CloudFormation starts the service its tasks cannot pull the \
         image: the deployment circuit breaker fails the deployment and the stack rolls back. With \
         `DeletionPolicy: Retain` and a fixed `RepositoryName`, the rollback keeps the repository and \
         every retry then fails because the name is taken.\n\n\
         Fix: deploy the repositories first, push, then deploy the rest — the three commands rcdk \
         prints:\n\n\
         ```sh\nrcdk deploy app.yaml --stack todo-prod --stage repositories --yes\n\
         docker push 123456789012.dkr.ecr.eu-west-1.amazonaws.com/todo-main:1.0.3\n\
         rcdk deploy app.yaml --stack todo-prod\n```\n\n\
         `--stage repositories` deploys only the stack's ECR repositories (and their outputs). \
         See <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html> \
         and <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-ecs-service-deploymentcircuitbreaker.html>.",
        },
        ImageMissing => error("ecr:image-missing") {
            title: "an image a service runs is not in its ECR repository (deploy time)",
            explanation: "Found by `rcdk deploy` before it creates the change set (ECR `DescribeImages`): the tag (or \
         digest) a task definition names is not in the repository, or the repository does not exist. \
         ECS could never start the service's tasks (`CannotPullContainerError`); CloudFormation would \
         wait for the deployment circuit breaker and roll back. Also catches a tag the repository's \
         lifecycle rule has expired.\n\n\
         Fix: push the image first (`docker push <account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>`), \
         or name a tag that exists (`aws ecr describe-images --repository-name <repository>`). Images \
         in another account's or region's registry are not checked. \
         See <https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImages.html>.",
        },
        RepositoryExists => error("ecr:repository-exists") {
            title: "a repository the deploy creates by name already exists outside the stack (deploy time)",
            explanation: "Found by `rcdk deploy` before it creates the change set (ECR `DescribeRepositories` and the \
         stack's resources): the template creates an ECR repository with a fixed `RepositoryName`, and a \
         repository of that name already exists in the account and region but is not this stack's — \
         typically left by an earlier failed first deploy (a `Retain` repository survives the rollback) or \
         made by hand. CloudFormation cannot create a second one: the change set (early validation, \
         `NAME_CONFLICT_VALIDATION`) or the deploy fails.\n\n\
         Fix: import it or rename. If it is empty and not needed, delete it \
         (`aws ecr delete-repository --repository-name NAME`); otherwise give the repository another \
         name in the app file, or import the existing one into the stack with a CloudFormation IMPORT \
         change set (rcdk does not do that). \
         See <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html>.",
        },
        ServiceLinkedRoleMissing => warning("ecs:service-linked-role-missing") {
            title: "the ECS service-linked role is missing and rcdk may not create it (deploy time)",
            explanation: "Before executing a change set that adds the account's first ECS cluster or capacity provider, \
         `rcdk deploy` makes sure ECS's service-linked role (`AWSServiceRoleForECS`) exists and creates it \
         when it does not (`iam:CreateServiceLinkedRole`), printing a progress line. ECS creates the role \
         itself with the first cluster, but CloudFormation may create the capacity provider first, and the \
         deploy then fails with \"Unable to assume the service linked role\" (a retry works). This \
         warning means the credentials may not create the role.\n\n\
         Fix: ask an administrator to run `aws iam create-service-linked-role --aws-service-name \
         ecs.amazonaws.com` once per account, or deploy again if the first deploy fails. \
         See <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using-service-linked-roles.html>.",
        },
        ScaleInProtectedInstances => warning("ecs:scale-in-protected-instances") {
            title: "an Auto Scaling group's instances stay protected from scale-in (destroy time)",
            explanation: "With managed termination protection, ECS protects the cluster's instances from scale-in. When \
         the capacity provider is deleted, nothing removes that protection, and CloudFormation cannot \
         delete the Auto Scaling group while it holds protected instances: the deletion waits and ends \
         DELETE_FAILED (aws/containers-roadmap#2862, aws/aws-cdk#18179). `rcdk destroy` therefore \
         removes the protection itself (`autoscaling:SetInstanceProtection`) before deleting the stack and \
         while the deletion runs; this warning means it could not.\n\n\
         Fix: `aws autoscaling set-instance-protection --auto-scaling-group-name NAME --instance-ids IDS \
         --no-protected-from-scale-in`, then run `rcdk destroy` again. \
         See <https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_AutoScalingGroupProvider.html> \
         and <https://github.com/aws/containers-roadmap/issues/2862>.",
        },
        CrossAccountSecretReference => error("stack:cross-account-secret-reference") {
            title: "a stack reads by name a secret another stack creates in another account (deploy time)",
            explanation: "Found by `rcdk deploy` before any call, from the stacks' pinned accounts (`account:`, or the \
         account of `deploy_role_arn`): a template holds `{{resolve:secretsmanager:NAME...}}` and NAME is a \
         secret another stack of the app creates in another account. \"To access a secret in your AWS \
         account, you can use the secret name. To access a secret in a different AWS account, use the ARN of \
         the secret.\" The multi-region CDN lock is such a case: its origin stacks and CDN stack share the \
         origin secret by name. rcdk's own stack inputs cross accounts fine (parameter values read from the \
         producer's outputs in its account).\n\n\
         Fix: deploy the stacks that share the secret to one account, or reference the secret by its full ARN \
         and let the other account read it (resource policy on the secret, and on its KMS key). \
         See <https://docs.aws.amazon.com/secretsmanager/latest/userguide/cfn-example_reference-secret.html>.",
        },
        TerminationProtection => error("stack:termination-protection") {
            title: "the stack's termination protection would block `rcdk destroy` (destroy time)",
            explanation: "Found by `rcdk destroy` (`DescribeStacks`): the stack has termination protection, so \
         CloudFormation refuses to delete it. rcdk refuses first, exit 1, nothing deleted.\n\n\
         Fix: `aws cloudformation update-termination-protection --stack-name NAME \
         --no-enable-termination-protection`, or `rcdk destroy ... --disable-deletion-protection`, which \
         does it after the confirmation. \
         See <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-protect-stacks.html>.",
        },
    }
}

/// The code of a database whose deletion protection blocks a deletion.
pub mod rds {
    rcdk_constructs::codes! {
        /// A protected database.
        pub enum Code {
            DeletionProtectionBlocksDestroy => error("rds:deletion-protection-blocks-destroy") {
                title: "a database's deletion protection would block `rcdk destroy` (destroy time)",
                explanation: "Found by `rcdk destroy` before it deletes anything (`DescribeDBInstances`): the database has \
             deletion protection (rcdk's default, `deletion_protection: true`). \"The database can't be deleted \
             when deletion protection is enabled\": CloudFormation's deletion would end DELETE_FAILED and leave \
             the database, its subnet group and security group, the subnets and the VPC behind. rcdk refuses, \
             exit 1, nothing deleted.\n\n\
             Fix: `aws rds modify-db-instance --db-instance-identifier ID --no-deletion-protection \
             --apply-immediately`, or `rcdk destroy ... --disable-deletion-protection`, which does it after the \
             confirmation and waits until RDS applies it. With `DeletionPolicy: Snapshot` (rcdk's default) a \
             final snapshot is kept, billed as backup storage per GB-month. \
             See <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_DeleteInstance.html>.",
            },
        }
    }
}

/// The code of a load balancer whose deletion protection blocks a deletion.
pub mod elbv2 {
    rcdk_constructs::codes! {
        /// A protected load balancer.
        pub enum Code {
            DeletionProtectionBlocksDestroy => error("elbv2:deletion-protection-blocks-destroy") {
                title: "a load balancer's deletion protection would block `rcdk destroy` (destroy time)",
                explanation: "Found by `rcdk destroy` before it deletes anything (`DescribeLoadBalancerAttributes`): the \
             load balancer has `deletion_protection.enabled`, so CloudFormation's deletion would fail on it \
             (DELETE_FAILED) and leave it and what it uses behind. rcdk refuses, exit 1, nothing deleted.\n\n\
             Fix: `aws elbv2 modify-load-balancer-attributes --load-balancer-arn ARN --attributes \
             Key=deletion_protection.enabled,Value=false`, or `rcdk destroy ... --disable-deletion-protection`, \
             which does it after the confirmation. \
             See <https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#deletion-protection>.",
            },
        }
    }
}
