{{imports}}

/// The app's routes: home, and for each section its list, a new-item form and an item form.
GoRouter buildRouter() {
  return GoRouter(
    initialLocation: RoutePaths.home,
    routes: [
      GoRoute(
        path: RoutePaths.home,
        builder: (context, state) => const HomeScreen(),
      ),
{{#has_about}}
      GoRoute(
        path: RoutePaths.about,
        builder: (context, state) => const AboutScreen(),
      ),
{{/has_about}}
{{#entities}}
      GoRoute(
        path: RoutePaths.{{vars}},
        builder: (context, state) => const {{cls}}ListScreen(),
      ),
      GoRoute(
        path: RoutePaths.new{{cls}},
        builder: (context, state) => const {{cls}}DetailScreen(),
      ),
      GoRoute(
        path: RoutePaths.{{var}}Detail,
        builder: (context, state) => {{cls}}DetailScreen(
          {{var}}Id: state.pathParameters['id'],
        ),
      ),
{{/entities}}
    ],
  );
}
