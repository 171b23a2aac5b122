"""CloudFormation intrinsic functions, resolved against a deployed stack.

A function's environment in the template is made of references (`Ref` to a table gives its name,
to a queue its URL, to a function its name); what the function sees at run time is what those
references resolved to in the stack. The rehearsal computes it the same way CloudFormation does,
from the stack's physical ids and the resources' attributes as the emulator reports them. Anything
it cannot resolve is an error naming where it occurs: guessing a value would defeat the purpose.
"""
import re


class Unresolvable(Exception):
    """An expression the rehearsal cannot evaluate the way CloudFormation would."""


PARTITION = "aws"
URL_SUFFIX = "amazonaws.com"


class Resolver:
    """Evaluates template expressions for one stack.

    `resources`: logical id → (type, physical id), from DescribeStackResources.
    `parameters`: parameter name → value, as the stack was created with.
    `attribute`: (type, physical id, attribute name) → value, read from the emulator.
    """

    def __init__(self, resources, parameters, pseudo, attribute):
        self.resources = resources
        self.parameters = parameters
        self.pseudo = {"AWS::Partition": PARTITION, "AWS::URLSuffix": URL_SUFFIX, **pseudo}
        self.attribute = attribute

    def value(self, expression, where):
        """The string an expression becomes (environment variables are strings)."""
        result = self._eval(expression, where)
        if isinstance(result, (list, dict)):
            raise Unresolvable(f"{where}: {expression!r} is not a string")
        if isinstance(result, bool):
            return "true" if result else "false"
        return str(result)

    def _eval(self, e, where):
        if isinstance(e, (str, int, float, bool)):
            return e
        if isinstance(e, list):
            return [self._eval(x, where) for x in e]
        if not isinstance(e, dict) or len(e) != 1:
            raise Unresolvable(f"{where}: {e!r} is not a value or one intrinsic function")
        (name, arg), = e.items()
        if name == "Ref":
            return self.ref(arg, where)
        if name == "Fn::GetAtt":
            logical, attr = arg.split(".", 1) if isinstance(arg, str) else arg
            return self.get_att(logical, self._eval(attr, where), where)
        if name == "Fn::Join":
            delimiter, items = arg
            return self._eval(delimiter, where).join(str(x) for x in self._eval(items, where))
        if name == "Fn::Sub":
            text, variables = (arg, {}) if isinstance(arg, str) else arg
            return self.sub(text, {k: self._eval(v, where) for k, v in variables.items()}, where)
        if name == "Fn::Select":
            index, items = arg
            return self._eval(items, where)[int(self._eval(index, where))]
        if name == "Fn::Split":
            delimiter, text = arg
            return self._eval(text, where).split(delimiter)
        raise Unresolvable(f"{where}: {name} is not resolved by the rehearsal")

    def ref(self, name, where):
        if name in self.parameters:
            return self.parameters[name]
        if name in self.pseudo:
            return self.pseudo[name]
        if name in self.resources:
            return self.resources[name][1]
        raise Unresolvable(f"{where}: Ref {name} names no parameter, pseudo parameter or resource of the stack")

    def get_att(self, logical, attr, where):
        if logical not in self.resources:
            raise Unresolvable(f"{where}: Fn::GetAtt {logical}.{attr} names no resource of the stack")
        kind, physical = self.resources[logical]
        try:
            return self.attribute(kind, physical, attr)
        except KeyError:
            raise Unresolvable(f"{where}: Fn::GetAtt {logical}.{attr} ({kind}) is not an attribute the rehearsal reads") from None

    def sub(self, text, variables, where):
        def replace(match):
            token = match.group(1)
            if token.startswith("!"):
                return "${" + token[1:] + "}"
            if token in variables:
                return str(variables[token])
            if "." in token:
                logical, attr = token.split(".", 1)
                return str(self.get_att(logical, attr, where))
            return str(self.ref(token, where))
        return re.sub(r"\$\{([^}]*)\}", replace, text)


def references(expression):
    """Every logical id or parameter an expression refers to (Ref, GetAtt, ${…} in Sub)."""
    found = []
    if isinstance(expression, list):
        for x in expression:
            found += references(x)
    elif isinstance(expression, dict):
        for name, arg in expression.items():
            if name == "Ref":
                found.append(arg)
            elif name == "Fn::GetAtt":
                found.append(arg.split(".", 1)[0] if isinstance(arg, str) else arg[0])
            elif name == "Fn::Sub":
                text = arg if isinstance(arg, str) else arg[0]
                found += [t.split(".", 1)[0] for t in re.findall(r"\$\{([^!}][^}]*)\}", text)]
                if not isinstance(arg, str):
                    found += references(arg[1])
            else:
                found += references(arg)
    return found
