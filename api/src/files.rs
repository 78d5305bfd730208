//! Files: their bytes in an object store, through the `object_store` crate: a
//! local folder by default (`ZHAOSHANG_FILES_URL=file:///srv/zhaoshang/files`
//! or a plain path, default `./files`), any S3-compatible store in production
//! (`s3://bucket/prefix`, with credentials, region and endpoint from the
//! usual `AWS_*` variables: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
//! `AWS_REGION`, `AWS_ENDPOINT`, `AWS_ALLOW_HTTP`).
//!
//! Uploads arrive as temporary files (async-graphql writes each multipart
//! file to one) and are streamed to the store in chunks, hashed on the way;
//! downloads stream back, a byte range at a time if asked. No file is ever
//! held whole in memory.
//!
//! Download links are signed: `GET /files/{id}?key=K&expires=T&signature=S`
//! where S is the HMAC-SHA256 of `id:K:T` under a key derived from
//! `ZHAOSHANG_SECRET_KEY` (every process of a deployment shares it), K the
//! key the link was minted for (0: the public), T its expiry in Unix seconds.

use std::ops::Range;
use std::sync::{Arc, OnceLock};

use anyhow::Context as _;
use hmac::{Hmac, Mac};
use object_store::buffered::BufWriter;
use object_store::path::Path;
use object_store::{GetOptions, GetRange, GetResult, ObjectStore, ObjectStoreExt, PutPayload};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

use crate::config::Config;

/// Bytes read from an upload and written to the store at a time.
const CHUNK: usize = 256 * 1024;

/// Where files live, opened at first use (a command that never touches a
/// file never creates the folder).
#[derive(Clone)]
pub struct Files {
    url: String,
    store: Arc<tokio::sync::OnceCell<Arc<dyn ObjectStore>>>,
    secret: Option<String>,
    signing_key: Arc<OnceLock<[u8; 32]>>,
}

/// A file as stored: its size and SHA-256.
#[derive(Debug, Clone)]
pub struct Stored {
    pub byte_size: u64,
    /// Lower-case hex.
    pub sha256: String,
}

impl Files {
    pub fn from_config(config: &Config) -> Files {
        Files {
            url: config.files_url.clone(),
            store: Arc::default(),
            secret: config.secret_key.clone(),
            signing_key: Arc::default(),
        }
    }

    async fn store(&self) -> anyhow::Result<&Arc<dyn ObjectStore>> {
        self.store.get_or_try_init(|| async { open(&self.url) }).await
    }

    /// Streams `source` (from its start) to `key`, hashing it on the way.
    pub async fn put(&self, key: &str, source: std::fs::File) -> anyhow::Result<Stored> {
        let store = self.store().await?.clone();
        let mut source = tokio::fs::File::from_std(source);
        source.seek(std::io::SeekFrom::Start(0)).await?;
        let mut writer = BufWriter::new(store, Path::from(key));
        let mut hasher = Sha256::new();
        let mut buffer = vec![0u8; CHUNK];
        let mut size = 0u64;
        let written: anyhow::Result<()> = async {
            loop {
                let n = source.read(&mut buffer).await?;
                if n == 0 {
                    break;
                }
                hasher.update(&buffer[..n]);
                writer.write_all(&buffer[..n]).await?;
                size += n as u64;
            }
            writer.shutdown().await?;
            Ok(())
        }
        .await;
        if let Err(e) = written {
            let _ = writer.abort().await;
            return Err(e);
        }
        Ok(Stored { byte_size: size, sha256: hex::encode(hasher.finalize()) })
    }

    /// The bytes of `key`, or of `range` of them.
    pub async fn get(&self, key: &str, range: Option<Range<u64>>) -> anyhow::Result<GetResult> {
        let options = GetOptions { range: range.map(GetRange::Bounded), ..Default::default() };
        Ok(self.store().await?.get_opts(&Path::from(key), options).await?)
    }

    /// Removes `key`; a missing object is not an error.
    pub async fn delete(&self, key: &str) -> anyhow::Result<()> {
        match self.store().await?.delete(&Path::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Writes `bytes` to `key` in one request (small files the service makes itself).
    pub async fn put_bytes(&self, key: &str, bytes: Vec<u8>) -> anyhow::Result<()> {
        self.store().await?.put(&Path::from(key), PutPayload::from(bytes)).await?;
        Ok(())
    }

    /// The signature of a download link for attachment `id`, minted for key
    /// `key_id` (0: the public), valid until `expires` (Unix seconds).
    pub fn sign(&self, id: i64, key_id: i64, expires: i64) -> String {
        hex::encode(self.mac(id, key_id, expires).finalize().into_bytes())
    }

    /// Whether `signature` is this service's for the link's fields (compared
    /// in constant time).
    pub fn verify(&self, id: i64, key_id: i64, expires: i64, signature: &str) -> bool {
        let Ok(bytes) = hex::decode(signature) else { return false };
        self.mac(id, key_id, expires).verify_slice(&bytes).is_ok()
    }

    fn mac(&self, id: i64, key_id: i64, expires: i64) -> Hmac<Sha256> {
        let key = self.signing_key.get_or_init(|| signing_key(self.secret.as_deref()));
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key.as_slice())
            .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
        mac.update(format!("{id}:{key_id}:{expires}").as_bytes());
        mac
    }
}

/// The key download links are signed with: derived from the secret key, so
/// that every process signs alike; without one, a random key per process (a
/// link then works only on the process that minted it, which is logged).
fn signing_key(secret: Option<&str>) -> [u8; 32] {
    static RANDOM: OnceLock<[u8; 32]> = OnceLock::new();
    match secret.filter(|s| !s.is_empty()) {
        Some(secret) => {
            let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
                .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
            mac.update(b"zhaoshang download links");
            mac.finalize().into_bytes().into()
        }
        None => *RANDOM.get_or_init(|| {
            tracing::warn!(
                "ZHAOSHANG_SECRET_KEY is not set: download links are signed with a key of this process only"
            );
            let mut key = [0u8; 32];
            rand::RngCore::fill_bytes(&mut rand::rng(), &mut key);
            key
        }),
    }
}

/// The store a URL names.
fn open(url: &str) -> anyhow::Result<Arc<dyn ObjectStore>> {
    if let Some(rest) = url.strip_prefix("s3://") {
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let s3 = object_store::aws::AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            .build()
            .with_context(|| format!("the S3 store {url}"))?;
        let prefix = prefix.trim_matches('/');
        return Ok(if prefix.is_empty() {
            Arc::new(s3)
        } else {
            Arc::new(object_store::prefix::PrefixStore::new(s3, prefix))
        });
    }
    let folder = match url.strip_prefix("file://") {
        Some(path) => std::path::PathBuf::from(path),
        None if url.contains("://") => anyhow::bail!("ZHAOSHANG_FILES_URL is a folder, file://… or s3://…, not {url}"),
        None => std::path::PathBuf::from(url),
    };
    std::fs::create_dir_all(&folder).with_context(|| format!("creating the files folder {}", folder.display()))?;
    let folder = folder.canonicalize()?;
    Ok(Arc::new(object_store::local::LocalFileSystem::new_with_prefix(folder)?))
}
