import Foundation
import _CryptoExtras
import X509

/// The parts of an SNS signing certificate that verification needs: its RSA key and validity period.
struct SigningCertificate: Sendable {
    var publicKey: _RSA.Signing.PublicKey
    var notValidBefore: Date
    var notValidAfter: Date

    init(pem: String) throws(SNSVerificationError) {
        let certificate: Certificate
        do {
            certificate = try Certificate(pemEncoded: pem)
        } catch {
            throw .certificateUnavailable(reason: "the fetched document is not a PEM certificate (\(error))")
        }
        guard let key = _RSA.Signing.PublicKey(certificate.publicKey) else {
            throw .certificateUnavailable(reason: "the certificate's key is not an RSA key")
        }
        self.publicKey = key
        self.notValidBefore = certificate.notValidBefore
        self.notValidAfter = certificate.notValidAfter
    }

    func isValid(at date: Date) -> Bool {
        notValidBefore <= date && date <= notValidAfter
    }
}
