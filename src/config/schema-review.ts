// The .firebreak.yml sections that review reads. Loose until review gives them their shape, so
// files written today keep loading.

import * as z from "zod";

export const reviewSections = {

};
