package com.maclogin.cutover.orchestrator.fleet;

/** One bad field of a fleet request, named as the client sent it ({@code plan.maxParallel}); the REST layer makes it a 400. */
public record FieldProblem(String field, String message) {
}
