package dev.vigil.server.platform.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares how a {@link PageQuery} parameter is bound: {@code ?page=0&size=50&sort=createdAt,desc&sort=name} (and
 * {@code ?cursor=} where {@link #cursor()} allows it).
 * Sizes above {@link #maxSize()} and sort fields outside {@link #sortable()} are refused with 400.
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Paging {
    int defaultSize() default 50;

    int maxSize() default 500;

    /** The sort when none is given, e.g. {@code createdAt,desc}. */
    String[] defaultSort() default {};

    /** The fields clients may sort on (API names, not columns). */
    String[] sortable() default {};

    /**
     * True when the list also pages by keyset: {@code ?cursor=} (a previous answer's {@code nextCursor}) instead of
     * {@code ?page=}. On other lists a {@code cursor} is refused with 400 rather than ignored (ignoring it would give a
     * client the first page again and again).
     */
    boolean cursor() default false;
}
