//! The diagnostic codes of reading app files (`app-file:*`): rcdk's own,
//! beside the library's (see `rcdk_constructs::diagnostics`).

rcdk_constructs::codes! {
    /// The diagnostic codes this module reports.
    pub(crate) enum Code {
        AliasBudget => error("app-file:alias-budget") {
            formerly: ["app-file-alias-budget"],
            title: "aliases expand to more values than rcdk reads",
            explanation: "YAML aliases (`*name`) repeat the value of an anchor (`&name`). A small file can expand to gigabytes that way (the \"billion laughs\"), so rcdk stops once aliases have expanded to more than its budget (see README, Limits). Write the repeated values out, or share less through aliases.",
        },
        AliasRecursive => error("app-file:alias-recursive") {
            formerly: ["yaml-alias-recursive"],
            title: "an alias inside the value it refers to",
            explanation: "A YAML alias that refers to the anchor it is nested in would be an infinite value. Write the value out.",
        },
        ComplexKey => error("app-file:complex-key") {
            formerly: ["yaml-complex-key"],
            title: "a key that is not a plain string",
            explanation: "App-file keys are plain strings; YAML also allows lists, maps or aliases as keys, which no app-file field takes.",
        },
        ContextInvalid => error("app-file:context-invalid") {
            title: "the context file beside the app (rcdk.context.json) cannot be read or is not valid",
            explanation: "`rcdk.context.json` holds what rcdk looked up in AWS once and the app commits, so that \
         synthesis stays offline and a change is reviewed like any other: today the ECS-optimized AMI release each \
         cluster runs, per region and SSM parameter:\n\n\
         ```json\n{\"amis\": {\"eu-west-1\": {\"/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id\": \
         \"al2023-ami-ecs-hvm-2023.0.20260918-kernel-6.1-x86_64\"}}}\n```\n\n\
         rcdk reads it beside every app file (and beside `rcdk.toml` for an app command) and refuses a file it \
         cannot read, one over 1 MiB, JSON that is not valid, an unknown key, a region that is not a region name, \
         a parameter that does not end in `/recommended/image_id`, or a release that is not one path segment, \
         located at the line and column. `rcdk ami update` writes the file: fix the entry it names, or delete the \
         file and run `rcdk ami update` again.",
            help: "fix the entry, or delete rcdk.context.json and run `rcdk ami update` again",
        },
        DeprecatedSpelling => warning("app-file:deprecated-spelling") {
            title: "an enum value in a deprecated spelling",
            explanation: "Enum values in app files are lower case (`protocol: https`, `traffic_type: reject`, \
         `price_class: price_class_100`). Earlier spellings (`HTTPS`, `REJECT`, `PriceClass_100`) are still \
         accepted as aliases and synthesize the same template, but each is reported with the spelling to \
         write instead; a future release will stop accepting them. `--deny-warnings` turns this into an \
         error, so CI can keep old spellings out. The JSON Schema (`rcdk schema`) lists only the current \
         spellings, so an editor underlines the old ones too.",
        },
        DuplicateKey => error("app-file:duplicate-key") {
            formerly: ["yaml-duplicate-key"],
            title: "the same key twice in one map",
            explanation: "YAML parsers keep only one of two equal keys, silently dropping the other (a whole service, an environment variable). rcdk refuses the file and names both places; keep one.",
        },
        Encoding => error("app-file:encoding") {
            formerly: ["app-file-encoding"],
            title: "the app file is not UTF-8 text",
            explanation: "App files are YAML in UTF-8. The offset in the message is the first byte that is not valid UTF-8; re-save the file as UTF-8.",
        },
        NotRegular => error("app-file:not-regular") {
            formerly: ["app-file-not-regular"],
            title: "the app file is not a regular file",
            explanation: "rcdk reads app files only from regular files: a directory, a FIFO, a device such as /dev/zero or a socket could block or never end. Pass the path of the app file itself.",
        },
        Null => error("app-file:null") {
            formerly: ["yaml-null"],
            title: "a null value",
            explanation: "App files do not accept null (`~`, `null`, or a key with nothing after it): leave the field out to take its default, or quote the text (`\"~\"`) if you mean those characters.",
        },
        Schema => error("app-file:schema") {
            formerly: ["schema"],
            title: "a field of the app file is unknown, missing, of the wrong type or has an unknown value",
            explanation: "The app file is valid YAML, but it does not match the app-file schema: a field name is misspelt \
         (`unknown field`), a required field is missing (every stack needs a `name`), a value has the wrong \
         type (`max_azs: three`), or an enum value is not one rcdk knows. Unknown fields are refused rather \
         than ignored, so a typo never silently drops a setting.\n\n\
         Fix the field at the reported `file:line:column`. Run `rcdk schema` for the JSON Schema of app \
         files, and start the file with\n\n\
         ```yaml\n# yaml-language-server: $schema=../schema/app.schema.json\n```\n\n\
         so your editor completes and checks fields as you type.",
        },
        Tag => error("app-file:tag") {
            formerly: ["yaml-tag"],
            title: "a YAML tag such as `!Ref`",
            explanation: "App files hold plain values. CloudFormation's short-form tags (`!Ref`, `!GetAtt`, `!Sub`) would be read as plain strings, silently; where a field accepts an intrinsic function, write it long-form: `{Ref: Name}`, `{\"Fn::GetAtt\": [Name, Arn]}`.",
        },
        TooDeep => error("app-file:too-deep") {
            formerly: ["app-file-too-deep"],
            title: "maps and lists are nested too deeply",
            explanation: "An app file's structure is a few levels deep; nesting beyond the limit (see README, Limits) is refused before parsing, since deeply nested flow collections make YAML parsers slow. Flatten the value.",
        },
        TooLarge => error("app-file:too-large") {
            formerly: ["app-file-too-large"],
            title: "the app file is larger than rcdk reads",
            explanation: "App files are read whole; the size limit (see README, Limits) keeps a stray large file from exhausting memory. Split the app into several app files if it really is this large.",
        },
        TooManyProblems => error("app-file:too-many-problems") {
            formerly: ["app-file-too-many-problems"],
            title: "reading stopped after many problems",
            explanation: "rcdk reports every problem of an app file at once, up to a limit; past it the file is probably not an app file at all. Fix the problems shown and run again.",
        },
        Unreadable => error("app-file:unreadable") {
            formerly: ["app-file-unreadable"],
            title: "the app file cannot be read",
            explanation: "rcdk could not open or read the app file: it does not exist, is a directory, is not readable by \
         you, or is not UTF-8 text. The message carries the operating system's reason.\n\n\
         Check the path (it is relative to the current directory) and the file's permissions.",
        },
        YamlSyntax => error("app-file:yaml-syntax") {
            formerly: ["yaml-syntax"],
            title: "the app file is not valid YAML",
            explanation: "The YAML parser stopped at the reported position: usually an indentation that does not line up, \
         a tab used for indentation, a missing `:` after a key, or an unclosed quote or bracket.\n\n\
         ```yaml\nstacks:\n  - name: shop\n    vpc: {}      # keys of one mapping line up under each other\n```\n\n\
         Fix the line shown; the column points at where the parser gave up, which can be just after the \
         real mistake.",
        },
    }
}
