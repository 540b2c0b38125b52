package dev.runbook.expr.internal;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.commons.jexl3.JexlBuilder;
import org.apache.commons.jexl3.JexlEngine;
import org.apache.commons.jexl3.JexlFeatures;
import org.apache.commons.jexl3.introspection.JexlPermissions;

/**
 * The JEXL engine of the runbook language, locked down: expressions only (no statements, loops, local
 * variables, assignment, lambdas, {@code new}, pragmas or annotations); no introspection of any class but
 * maps, lists and the {@link Functions} helpers; strict about undefined names and nulls.
 */
public final class Sandbox implements JexlPermissions {

    /** The longest expression cached; the runbook language has no longer ones in practice. */
    private static final int CACHE_THRESHOLD = 4096;

    private static final JexlEngine ENGINE = build();

    private Sandbox() {
    }

    public static JexlEngine engine() {
        return ENGINE;
    }

    private static JexlEngine build() {
        JexlFeatures features = new JexlFeatures()
                .script(false)
                .loops(false)
                .localVar(false)
                .sideEffect(false)
                .sideEffectGlobal(false)
                .lambda(false)
                .thinArrow(false)
                .fatArrow(false)
                .newInstance(false)
                .methodCall(false)
                .annotation(false)
                .pragma(false)
                .importPragma(false)
                .namespacePragma(false)
                .namespaceInstantiation(false)
                .register(false)
                .structuredLiteral(true);
        Map<String, Object> namespaces = new java.util.HashMap<>();
        namespaces.put(null, new Functions());
        return new JexlBuilder()
                .features(features)
                .permissions(new Sandbox())
                .namespaces(namespaces)
                .safe(false)
                .strict(true)
                .silent(false)
                .cache(512)
                .cacheThreshold(CACHE_THRESHOLD)
                .collectMode(2)
                .create();
    }

    @Override
    public boolean allow(Package pack) {
        return pack != null && (pack.getName().equals("java.util") || pack.getName().equals("java.lang")
                || pack.getName().equals(Functions.class.getPackageName()));
    }

    @Override
    public boolean allow(Class<?> clazz) {
        return clazz == Functions.class || Map.class.isAssignableFrom(clazz) || List.class.isAssignableFrom(clazz);
    }

    @Override
    public boolean allow(Constructor<?> ctor) {
        return false;
    }

    @Override
    public boolean allow(Field field) {
        return false;
    }

    @Override
    public boolean allow(Method method) {
        Class<?> owner = method.getDeclaringClass();
        if (owner == Functions.class) {
            return Functions.NAMES.contains(method.getName());
        }
        return (Map.class.isAssignableFrom(owner) || List.class.isAssignableFrom(owner))
                && method.getName().equals("get");
    }

    @Override
    public JexlPermissions compose(String... src) {
        return this;
    }

}
