/** OpenAPI entries of the medical pass and emergency routes (passes.routes.ts, emergency.routes.ts). */
import {
  communityParams, communityPassesQuery, applyPassBody, driverParams, driverTripsResponse, emergencyBody, emergencyListResponse, emergencyParams, emergencyReportResponse,
  emergencyReviewBody, emergencyView, hospitalBody, hospitalView, hospitalsResponse, householdParams, needParams, passActionBody, passActionParams, passFromNeedBody,
  passListResponse, passParams, passReportResponse, passView, reportQuery, reviewListQuery, verificationKeyResponse, verifyPassBody, verifyPassResponse,
} from '../contracts/pass.contract';
import { EMERGENCY_PATHS } from './routes/emergency.routes';
import { PASS_PATHS } from './routes/passes.routes';
import { errors, idempotencyHeader, json, jsonBody, optionalJsonBody, problem, rateLimited, readErrors, type AddRoute } from './openapi-kit';

export function registerPassRoutes(route: AddRoute): void {
  route('get', PASS_PATHS.hospitals, 'Hospitals passes and emergencies go to', { responses: { 200: json(hospitalsResponse, 'Hospitals'), 401: errors[401] } });
  route('post', PASS_PATHS.hospitals, 'Add a hospital (admin, dispatcher)', { request: { body: jsonBody(hospitalBody) }, responses: { 201: json(hospitalView, 'Created'), ...errors } });
  route('post', PASS_PATHS.householdPasses, 'Apply for a medical pass for someone of a household', {
    request: { params: householdParams, headers: idempotencyHeader, body: jsonBody(applyPassBody) }, responses: { 201: json(passView, 'Applied (a retry with the same key returns the same pass)'), ...errors, ...rateLimited },
  });
  route('post', PASS_PATHS.fromNeed, 'Continue a medical_pass need as a pass (who travels, which hospital)', {
    request: { params: needParams, headers: idempotencyHeader, body: jsonBody(passFromNeedBody) }, responses: { 201: json(passView, 'Pass created; the need follows it'), ...errors, ...rateLimited },
  });
  route('get', PASS_PATHS.householdPasses, 'A household’s passes', { request: { params: householdParams }, responses: { 200: json(passListResponse, 'Passes'), ...readErrors } });
  route('get', PASS_PATHS.communityPasses, 'A community’s passes for its staff (and admins), soonest appointment first; `status` filters (comma-separated); audited', {
    request: { params: communityParams, query: communityPassesQuery }, responses: { 200: json(passListResponse, 'Passes'), ...readErrors },
  });
  route('get', PASS_PATHS.verificationKey, 'The public key checkpoints verify pass codes with offline', { public: true, responses: { 200: json(verificationKeyResponse, 'Key') } });
  route('post', PASS_PATHS.verify, 'Verify a pass code online (signature and current status)', { request: { body: jsonBody(verifyPassBody) }, responses: { 200: json(verifyPassResponse, 'Verdict'), ...errors } });
  route('get', PASS_PATHS.pass, 'One pass with its legs (reason only for those allowed to read it; audited)', { request: { params: passParams }, responses: { 200: json(passView, 'Pass'), ...readErrors } });
  route('post', PASS_PATHS.action, 'Move a pass along its loop: review, approve (plans the trips), refuse, issue (signs the code), trips, return, cancel', {
    request: { params: passActionParams, body: optionalJsonBody(passActionBody) },
    responses: {
      200: json(passView, 'Pass (an action repeated on a pass already in its target status, a retry or a double tap, answers the pass as it is and changes nothing)'),
      ...errors, 409: problem('The pass cannot move there from its current status (`from`, `to`, `allowed`), or it changed while the request ran'),
    },
  });
  route('get', PASS_PATHS.driverTrips, 'A driver’s passenger trips (no names, reasons or hospitals)', { request: { params: driverParams }, responses: { 200: json(driverTripsResponse, 'Trips'), ...readErrors } });
  route('get', PASS_PATHS.report, 'Passes per day and status: counts and times only', { request: { query: reportQuery }, responses: { 200: json(passReportResponse, 'Days'), ...readErrors } });
}

export function registerEmergencyRoutes(route: AddRoute): void {
  route('post', EMERGENCY_PATHS.raise, 'Raise an emergency (acute illness: a car to hospital; emergency medicine: urgent delivery); accepted at once', {
    request: { params: householdParams, headers: idempotencyHeader, body: jsonBody(emergencyBody) }, responses: { 201: json(emergencyView, 'Case accepted (a retry with the same key returns the same case)'), ...errors },
  });
  route('get', EMERGENCY_PATHS.reviews, 'Cases of a community waiting for their review', { request: { query: reviewListQuery }, responses: { 200: json(emergencyListResponse, 'Cases'), ...readErrors } });
  route('get', EMERGENCY_PATHS.report, 'Emergencies per day: counts and response times', { request: { query: reportQuery }, responses: { 200: json(emergencyReportResponse, 'Days'), ...readErrors } });
  route('get', EMERGENCY_PATHS.emergency, 'One emergency case with the times of each step', { request: { params: emergencyParams }, responses: { 200: json(emergencyView, 'Case'), ...readErrors } });
  route('post', EMERGENCY_PATHS.done, 'Report the case done (its driver or staff)', { request: { params: emergencyParams }, responses: { 200: json(emergencyView, 'Case'), ...readErrors, 409: errors[409] } });
  route('post', EMERGENCY_PATHS.review, 'Close the review of a case with its outcome (community staff)', {
    request: { params: emergencyParams, body: jsonBody(emergencyReviewBody) }, responses: { 200: json(emergencyView, 'Case'), ...errors },
  });
}
