//! Word lists the rules and the model read strings with: facts about how
//! people name things in manifests, kept in one place beside the built-in table
//! (`builtin.yaml` holds the facts about Kubernetes' own objects).

/// Key or flag names that say "host" (docs/rules.md#rule-9): compared upper-case, with
/// `-`, `_` and `.` removed, as suffixes.
pub const HOST_WORDS: &[&str] = &[
    "HOST",
    "HOSTNAME",
    "HOSTS",
    "ADDR",
    "ADDRESS",
    "SERVER",
    "SERVICE",
    "SVC",
    "ENDPOINT",
    "SERVICENAME",
    "SVCNAME",
];

/// Short names kubectl gives kinds (`kubectl api-resources`), which keys use too
/// (`svcName`, `cm`).
pub fn short_name(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "Service" => "svc",
        "ServiceAccount" => "sa",
        "ConfigMap" => "cm",
        "PersistentVolumeClaim" => "pvc",
        "StatefulSet" => "sts",
        "Deployment" => "deploy",
        "DaemonSet" => "ds",
        "CronJob" => "cj",
        "HorizontalPodAutoscaler" => "hpa",
        "PodDisruptionBudget" => "pdb",
        "NetworkPolicy" => "netpol",
        "Ingress" => "ing",
        _ => return None,
    })
}

/// Top-level domains of the public internet that a URL or e-mail address ends
/// with; never read as a namespace after a Service's name. (Words that are also
/// likely namespace names, `dev`, `test`, `app`, `local`, are left out: a
/// Service with that namespace written out still matches them exactly.)
pub const PUBLIC_TLDS: &[&str] = &[
    "com",
    "org",
    "net",
    "edu",
    "gov",
    "mil",
    "int",
    "io",
    "ai",
    "co",
    "info",
    "biz",
    "me",
    "sh",
    "so",
    "xyz",
    "eu",
    "us",
    "uk",
    "de",
    "fr",
    "nl",
    "ch",
    "at",
    "be",
    "se",
    "no",
    "dk",
    "fi",
    "it",
    "es",
    "pl",
    "cz",
    "ru",
    "cn",
    "jp",
    "kr",
    "in",
    "br",
    "au",
    "ca",
    "nz",
    "arpa",
    "localhost",
    "internal",
    "example",
    "invalid",
];

/// Kinds a flag's name may name besides those the stream emits (a partial copy
/// may not emit the ConfigMap `--configmap=ns/name` names).
pub const FLAG_KINDS: &[&str] = &[
    "configmap",
    "secret",
    "lease",
    "certificate",
    "ingressclass",
];

/// Helm's own annotations, never ours to read.
pub const HELM_PREFIXES: &[&str] = &["helm.sh/", "meta.helm.sh/", "postrenderer.helm.sh/"];

/// Parts of a pod and of labels that keys name (`kubectl.kubernetes.io/default-container`,
/// `jobLabel`): a value under such a key names that part, not an object.
pub const ITEM_WORDS: &[&str] = &["Container", "Volume", "Port", "Label", "Alias"];

/// Keys of a custom resource's `spec` that size or run pods.
pub const POD_KEYS: &[&str] = &["replicas", "instances", "image", "resources", "storage"];

/// Parts of a word of an env var's name that say its value is a secret
/// (`diff`, `-v` and messages show `<redacted>` instead): compared upper case,
/// anywhere in a word (`PGPASSWORD`, `CLIENTSECRET`, `GITHUB_TOKEN`).
/// `crate::redact::is_secret_name` holds the whole rule.
pub const SECRET_PARTS: &[&str] = &["PASSWORD", "PASSWD", "SECRET", "TOKEN"];

/// Words of an env var's name that say its value is a secret only as a whole
/// word: `API_KEY` and `DB_PASS` are secrets, `KEYCLOAK_URL` and `PASSTHROUGH`
/// are not.
pub const SECRET_WORDS: &[&str] = &[
    "KEY",
    "KEYS",
    "APIKEY",
    "PRIVATEKEY",
    "PASS",
    "PWD",
    "PASSPHRASE",
    "CREDENTIAL",
    "CREDENTIALS",
];

/// Last words of an env var's name that say its value is where a secret is, not
/// the secret: `POSTGRES_PASSWORD_FILE`, `TLS_SECRET_NAME`, `TOKEN_URL` show.
pub const SECRET_LOCATOR_WORDS: &[&str] = &[
    "FILE", "PATH", "DIR", "URL", "URI", "ENDPOINT", "HOST", "NAME", "REF",
];
