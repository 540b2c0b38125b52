package dev.runbook.expr;

import java.util.LinkedHashSet;
import java.util.Set;

/** Finds the plain function calls ({@code name(}) of an expression, skipping string literals. */
final class FunctionScanner {

    private FunctionScanner() {
    }

    static Set<String> functions(String src) {
        Set<String> out = new LinkedHashSet<>();
        int i = 0;
        while (i < src.length()) {
            char c = src.charAt(i);
            if (c == '\'' || c == '"') {
                i = Templates.skipString(src, i);
                continue;
            }
            if (Character.isJavaIdentifierStart(c) && (i == 0 || !isPartOfName(src.charAt(i - 1)))) {
                int end = i;
                while (end < src.length() && Character.isJavaIdentifierPart(src.charAt(end))) {
                    end++;
                }
                String name = src.substring(i, end);
                if (end + 1 < src.length() && src.charAt(end) == ':'
                        && Character.isJavaIdentifierStart(src.charAt(end + 1))) {
                    // a namespace call, ns:function(...): the language has no namespaces
                    int fn = end + 1;
                    while (fn < src.length() && Character.isJavaIdentifierPart(src.charAt(fn))) {
                        fn++;
                    }
                    name = src.substring(i, fn);
                    end = fn;
                }
                int next = end;
                while (next < src.length() && src.charAt(next) == ' ') {
                    next++;
                }
                if (next < src.length() && src.charAt(next) == '(') {
                    out.add(name);
                }
                i = end;
                continue;
            }
            i++;
        }
        return out;
    }

    private static boolean isPartOfName(char c) {
        return Character.isJavaIdentifierPart(c) || c == '.' || c == ':';
    }
}
