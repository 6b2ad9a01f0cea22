//! Signature Version 4, checked: what API Gateway does for a method whose
//! authorization is `AWS_IAM` (AWS General Reference, "Create a signed AWS
//! API request"). The request's signature is computed again from its
//! canonical form with the emulator's credentials — any access key id, the
//! secret `testing` (what `scripts/emulator env` exports) — and must match.

use hmac::{KeyInit, Mac};
use hyper::HeaderMap;
use sha2::{Digest, Sha256};

/// The emulator's one secret access key.
pub(crate) const SECRET: &str = "testing";

fn hmac(key: &[u8], data: &str) -> Vec<u8> {
    let mut mac = hmac::Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(data.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// RFC 3986 percent-encoding of everything but the unreserved characters.
fn encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The path as SigV4 canonicalises it for services other than S3: each
/// segment encoded, then encoded again.
fn canonical_uri(path: &str) -> String {
    if path.is_empty() {
        return "/".into();
    }
    path.split('/')
        .map(|segment| encode(&encode(&percent_decode(segment))))
        .collect::<Vec<_>>()
        .join("/")
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%'
            && index + 2 < bytes.len()
            && let Ok(hex) = std::str::from_utf8(&bytes[index + 1..index + 3])
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            index += 3;
            continue;
        }
        out.push(bytes[index]);
        index += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (encode(&percent_decode(key)), encode(&percent_decode(value)))
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// Whether the request is signed, by this service's scope, with the
/// emulator's credentials; why not, when it is not.
pub(crate) fn verify(
    method: &str,
    path: &str,
    query: &str,
    headers: &HeaderMap,
    body: &[u8],
    service: &str,
) -> Result<(), String> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let authorization = header("authorization").ok_or("the request is not signed")?;
    let fields = authorization
        .strip_prefix("AWS4-HMAC-SHA256 ")
        .ok_or("not a SigV4 signature")?;
    let field = |name: &str| {
        fields
            .split(',')
            .map(str::trim)
            .find_map(|f| f.strip_prefix(name).and_then(|f| f.strip_prefix('=')))
            .map(str::to_string)
    };
    let credential = field("Credential").ok_or("no Credential")?;
    let signed = field("SignedHeaders").ok_or("no SignedHeaders")?;
    let signature = field("Signature").ok_or("no Signature")?;
    let scope: Vec<&str> = credential
        .split_once('/')
        .map(|(_, scope)| scope)
        .unwrap_or_default()
        .split('/')
        .collect();
    let [date, region, scope_service, "aws4_request"] = scope.as_slice() else {
        return Err(format!("malformed credential scope in {credential}"));
    };
    if *scope_service != service {
        return Err(format!("signed for {scope_service}, not {service}"));
    }
    let amz_date = header("x-amz-date").ok_or("no X-Amz-Date")?;
    let mut canonical_headers = String::new();
    for name in signed.split(';') {
        let values: Vec<String> = headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(|v| v.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        canonical_headers.push_str(&format!("{name}:{}\n", values.join(",")));
    }
    let payload = match header("x-amz-content-sha256") {
        Some(hash) => hash.to_string(),
        None => hex::encode(Sha256::digest(body)),
    };
    let canonical = format!(
        "{method}\n{}\n{}\n{canonical_headers}\n{signed}\n{payload}",
        canonical_uri(path),
        canonical_query(query)
    );
    let to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{date}/{region}/{service}/aws4_request\n{}",
        hex::encode(Sha256::digest(canonical.as_bytes()))
    );
    let parts: [&str; 4] = [date, region, service, "aws4_request"];
    let key = parts
        .iter()
        .fold(format!("AWS4{SECRET}").into_bytes(), |key: Vec<u8>, part| {
            hmac(&key, part)
        });
    let expected = hex::encode(hmac(&key, &to_sign));
    if expected == signature {
        Ok(())
    } else {
        Err("the signature does not match".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_queries_are_canonical() {
        assert_eq!(canonical_uri("/prod/payments/a b"), "/prod/payments/a%2520b");
        assert_eq!(canonical_query("b=2&a=1&c"), "a=1&b=2&c=");
    }

    #[test]
    fn an_unsigned_request_is_refused() {
        assert!(verify("GET", "/", "", &HeaderMap::new(), b"", "execute-api").is_err());
    }
}
