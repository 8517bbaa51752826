package dev.vigil.server.platform.internal;

import dev.vigil.server.platform.api.PageQuery;
import dev.vigil.server.platform.api.Paging;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Binds {@link PageQuery} parameters ({@code ?page=&size=&sort=}) as their {@link Paging} declares; gives bodiless API errors a
 * problem document.
 */
@Configuration(proxyBeanMethods = false)
class WebConventions implements WebMvcConfigurer {

    /** API errors answered without a body still get a problem document (see {@link EmptyErrorProblemFilter}). */
    @Bean
    FilterRegistrationBean<EmptyErrorProblemFilter> emptyErrorProblemFilter() {
        FilterRegistrationBean<EmptyErrorProblemFilter> r = new FilterRegistrationBean<>(new EmptyErrorProblemFilter());
        r.addUrlPatterns("/api/*");
        r.setName("emptyErrorProblemFilter");
        return r;
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new PageQueryResolver());
    }

    static final class PageQueryResolver implements HandlerMethodArgumentResolver {
        @Override
        public boolean supportsParameter(MethodParameter parameter) {
            return parameter.getParameterType() == PageQuery.class;
        }

        @Override
        public Object resolveArgument(
                MethodParameter parameter,
                ModelAndViewContainer mav,
                NativeWebRequest request,
                WebDataBinderFactory binders) {
            Paging paging = parameter.getParameterAnnotation(Paging.class);
            int defaultSize = paging == null ? 50 : paging.defaultSize();
            int maxSize = paging == null ? 500 : paging.maxSize();
            int page = integer(request.getParameter("page"), 0, "page");
            int size = integer(request.getParameter("size"), defaultSize, "size");
            if (size < 1 || size > maxSize) {
                throw new IllegalArgumentException("size must be between 1 and " + maxSize);
            }
            if (page < 0) {
                throw new IllegalArgumentException("page must be >= 0");
            }
            String[] given = request.getParameterValues("sort");
            List<PageQuery.Sort> sort = new ArrayList<>();
            Set<String> allowed = paging == null ? Set.of() : Set.of(paging.sortable());
            if (given != null && given.length > 0) {
                for (String g : given) {
                    if (g.isBlank()) {
                        continue;
                    }
                    PageQuery.Sort s = PageQuery.Sort.parse(g);
                    if (!allowed.contains(s.field())) {
                        throw new IllegalArgumentException("cannot sort by '" + s.field() + "'"
                                + (allowed.isEmpty() ? "" : " (sortable: " + String.join(", ", allowed) + ")"));
                    }
                    sort.add(s);
                }
            }
            if (sort.isEmpty() && paging != null) {
                for (String d : paging.defaultSort()) {
                    sort.add(PageQuery.Sort.parse(d));
                }
            }
            String cursor = request.getParameter("cursor");
            if (cursor != null && !cursor.isBlank()) {
                if (paging == null || !paging.cursor()) {
                    throw new IllegalArgumentException("this list pages with page=, not cursor=");
                }
                if (request.getParameter("page") != null
                        && !request.getParameter("page").isBlank()) {
                    throw new IllegalArgumentException("give either page or cursor, not both");
                }
            }
            return new PageQuery(page, size, sort, cursor);
        }

        private static int integer(String value, int fallback, String name) {
            if (value == null || value.isBlank()) {
                return fallback;
            }
            try {
                return Integer.parseInt(value.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be a number");
            }
        }
    }
}
