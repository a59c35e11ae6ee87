// The certificate authorities trusted for T-Bank requests, and for T-Bank requests only.
// Since 2026 T-Bank's API hosts chain to the Russian Trusted Root CA, which is not in Bun's bundled
// (Mozilla) store, and the servers may not send the intermediate, so both the root and the 2024 sub CA
// are embedded in the binary (reference/certs/README.md). Bun's fetch `tls.ca` REPLACES the default
// roots (checked on Bun 1.4.5: a host trusted by default fails once `ca` lists only another CA), so the
// default roots are passed along: every other certificate T-Bank might present stays verifiable.
import { X509Certificate } from "node:crypto";
import { rootCertificates } from "node:tls";
import { PlatformError } from "../types.ts";
import rootCaPem from "./certs/russian_trusted_root_ca.pem" with { type: "text" };
import subCa2024Pem from "./certs/russian_trusted_sub_ca_2024.pem" with { type: "text" };

/** Russian Trusted Root CA and Russian Trusted Sub CA (2024), PEM, as shipped inside the binary. */
export const TBANK_EMBEDDED_CA_PEMS: readonly string[] = [rootCaPem, subCa2024Pem];

/**
 * Bun's default roots + the embedded Russian Trusted CAs + the PEMs from TBANK_CA_FILE (for when the
 * chain changes). Throws a config error when an extra PEM holds no readable certificate, so a wrong
 * file is named instead of surfacing as an obscure TLS failure.
 */
export function tbankCaBundle(extraPems: readonly string[] = []): readonly string[] {
  for (const pem of extraPems) checkPem(pem);
  return [...rootCertificates, ...TBANK_EMBEDDED_CA_PEMS, ...extraPems];
}

/** True when a network error text looks like a failed certificate verification. */
export function isCertificateProblem(text: string): boolean {
  return /certificate|self[- ]signed|unable to get (local )?issuer|SSL|TLS/i.test(text);
}

const PEM_BLOCK_RE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function checkPem(pem: string): void {
  const blocks = pem.match(PEM_BLOCK_RE) ?? [];
  if (blocks.length === 0) {
    throw new PlatformError(
      "tbank",
      "config",
      "TBANK_CA_FILE holds no PEM certificate (-----BEGIN CERTIFICATE-----): check the file it names",
    );
  }
  for (const block of blocks) {
    try {
      new X509Certificate(block);
    } catch {
      throw new PlatformError(
        "tbank",
        "config",
        "TBANK_CA_FILE holds a certificate that cannot be read: check the file it names (PEM, not DER)",
      );
    }
  }
}
