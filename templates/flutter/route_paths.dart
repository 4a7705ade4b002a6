/// The path of every screen, in one place so screens never import the router.
abstract final class RoutePaths {
  static const home = '/';
  static const about = '/about';
{{#entities}}
  static const {{vars}} = '/{{route}}';
  static const new{{cls}} = '/{{route}}/new';
  static const {{var}}Detail = '/{{route}}/:id';

  static String {{var}}(String id) => '/{{route}}/$id';
{{/entities}}
}
