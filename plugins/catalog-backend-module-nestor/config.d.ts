// This module reads no configuration keys yet; keys it adds are documented here.
export interface Config {}
