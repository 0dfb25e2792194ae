// natural is loaded part by part: its index pulls in every classifier, tagger and dictionary
// (~60 MB of RSS) where we use a stemmer, an edit distance, TF-IDF and a stop-word list.
declare module 'natural/lib/natural/stemmers/porter_stemmer.js' {
  const PorterStemmer: { stem(token: string): string };
  export default PorterStemmer;
}
declare module 'natural/lib/natural/distance/levenshtein_distance.js' {
  const distances: {
    DamerauLevenshteinDistance(a: string, b: string, options?: { restricted?: boolean }): number;
  };
  export default distances;
}
declare module 'natural/lib/natural/tfidf/tfidf.js' {
  import type { TfIdf } from 'natural';
  const TfIdfClass: typeof TfIdf;
  export default TfIdfClass;
}
declare module 'natural/lib/natural/util/stopwords.js' {
  const stopwords: { words: string[] };
  export default stopwords;
}
