/// How many SMS parts a text takes (Req 6.4): GSM-7 when every character is in the GSM 03.38
/// alphabet (160 per part, 153 when split; extension characters count twice), else UCS-2
/// (70 per part, 67 when split; counted in UTF-16 code units).
public enum SMSSegments {
    public enum Encoding: String, Sendable { case gsm7 = "GSM-7", ucs2 = "UCS-2" }

    static let basic: Set<Character> = Set(
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
    static let extended: Set<Character> = Set("^{}\\[~]|€\u{0C}")

    public static func count(_ text: String) -> (segments: Int, encoding: Encoding, units: Int) {
        if text.allSatisfy({ basic.contains($0) || extended.contains($0) }) {
            let units = text.reduce(0) { $0 + (extended.contains($1) ? 2 : 1) }
            return (units <= 160 ? 1 : (units + 152) / 153, .gsm7, units)
        }
        let units = text.utf16.count
        return (units <= 70 ? 1 : (units + 66) / 67, .ucs2, units)
    }
}
