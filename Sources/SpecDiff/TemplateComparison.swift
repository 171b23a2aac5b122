import SpecModel

/// `wecare diff`'s template comparison for one environment, open to other stages: `wecare drift` compares
/// the template a stack was deployed with (the base) with the one generated now (the head), and reads each
/// change as what deploying the specs would do.
public enum TemplateComparison {
    /// Every resource and property that differs, classified by risk as `wecare diff` classes it.
    /// Unlike `wecare diff`, a function's `Environment` is compared here too: there is no second model to
    /// compare it in, and a deployed variable that the specs no longer give is exactly what drift must show.
    public static func changes(base: JSONValue, head: JSONValue, environment: String, platform: Platform) -> [Change] {
        let names = LogicalNames([platform])
        var out = TemplateDiff.changes(base: base, head: head, environment: environment, names: names)
        let before = TemplateDiff.resources(base), after = TemplateDiff.resources(head)
        for id in Set(before.keys).intersection(after.keys).sorted() {
            let b = before[id]!, a = after[id]!
            guard let type = TemplateDiff.string(TemplateDiff.member(a, "Type")), type == TemplateDiff.string(TemplateDiff.member(b, "Type")),
                  let skipped = TemplateDiff.modelComparedProperties[type] else { continue }
            let pb = TemplateDiff.properties(b), pa = TemplateDiff.properties(a)
            let resource = names.resource(for: id, type: type, properties: pa)
            for key in skipped.sorted() {
                var found: [TemplateDiff.PropertyChange] = []
                TemplateDiff.walk(pb[key], pa[key], path: [key], into: &found)
                for p in found {
                    let (risk, why) = TemplateRisk.classify(type: type, change: p, base: pb, head: pa)
                    out.append(Change(environment: environment, risk: risk, resource: resource, field: p.pathString,
                                      before: ShortValue.render(p.before), after: ShortValue.render(p.after), why: why))
                }
            }
        }
        return out.sorted()
    }

    /// A one-line rendering of a template value, as `wecare diff` shows `before → after`.
    public static func short(_ value: JSONValue?) -> String? { ShortValue.render(value) }
}
