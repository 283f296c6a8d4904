//! RDS: a PostgreSQL or MySQL database instance in the VPC's private subnets,
//! its master password generated and kept by Secrets Manager.
//!
//! ```
//! use rcdk_constructs::cfn::Format;
//! use rcdk_constructs::core::{App, FieldPath, Stack, StackProps};
//! use rcdk_constructs::ec2::{Vpc, VpcProps};
//! use rcdk_constructs::rds::{Database, DatabaseProps};
//!
//! let mut stack = Stack::new(StackProps { name: "orders".into(), ..Default::default() }, FieldPath::root());
//! let root = stack.root().clone();
//! let vpc = Vpc::new(&mut stack, &root.child("Vpc"), &VpcProps::default());
//! let db = Database::new(&mut stack, &root.child("Database"), &vpc, &DatabaseProps::default());
//! let connection = db.connection();
//! assert_eq!(connection.environment[0].0, "DB_HOST");
//! let mut app = App::new();
//! app.add_stack(stack);
//! let stacks = app.synth(Format::Yaml).expect("valid app");
//! assert!(stacks[0].body.contains("ManageMasterUserPassword: true"));
//! ```

pub(crate) mod database;

pub use database::{
    is_major_version, Database, DatabaseConnection, DatabaseEngine, DatabaseProps, CFN_LINT_MAJOR_VERSION_CHECKS,
    DEFAULT_ALLOCATED_STORAGE_GIB, DEFAULT_BACKUP_RETENTION_DAYS, DEFAULT_DATABASE_NAME, DEFAULT_INSTANCE_CLASS,
    DEFAULT_MASTER_USERNAME, DEFAULT_MYSQL_VERSION, DEFAULT_POSTGRES_VERSION, KNOWN_INSTANCE_FAMILIES,
    MAX_ALLOCATED_STORAGE_GIB, MAX_BACKUP_RETENTION_DAYS, MIN_ALLOCATED_STORAGE_GIB,
};
