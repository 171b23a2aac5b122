import SpecModel

func readQueue(_ key: ScalarNode, _ node: SyntaxNode, sink: DiagnosticSink) -> Queue? {
    let subject = "queue '\(key.text)'"
    guard let r = MappingReader.expect(node, allowed: SpecSchema.keys(.queue),
                                       subject: subject, owner: key.location, sink: sink) else { return nil }
    let name = r.string("name", example: "bulk-queue")
    let fifo = r.bool("fifo", default: false)
    let visibility = r.duration("visibilityTimeout", example: "300s")
    let retention = r.duration("retention", example: "4d")
    var deadLetter: Queue.DeadLetter?
    if let d = r.node["deadLetter"],
       let dr = MappingReader.expect(d, allowed: SpecSchema.keys(.deadLetter), subject: "the deadLetter of \(subject)", owner: r.keyLocation("deadLetter"), sink: sink),
       let target = dr.name("queue", of: .queue), let count = dr.int("maxReceiveCount", example: "3") {
        deadLetter = Queue.DeadLetter(queue: target, maxReceiveCount: count)
    }
    let waivers = readWaivers(r)
    guard let name, let visibility, let retention else { return nil }
    return Queue(id: Located(key.text, at: key.location), name: name, fifo: fifo, visibilityTimeout: visibility,
                 retention: retention, deadLetter: deadLetter, waivers: waivers)
}
